"""Source config validation: clear messages naming the YAML file and key."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from pipelines.ingest import ConfigError, load_source_configs
from pipelines.settings import DEFAULT_CONFIG_DIR

from .conftest import CENTRE, CONTACTS_EXPORT, CONTACTS_HEADER, SURVEYS_EXPORT, contacts_row


def test_sample_configs_are_valid():
    configs = {c.centre.id: c for c in load_source_configs(DEFAULT_CONFIG_DIR)}
    assert sorted(configs) == ["glasgow", "leeds", "lisbon", "manila"]
    manila_calls = configs["manila"].exports[0]
    assert sorted(manila_calls.kinds) == ["contacts", "surveys"]  # one file, two kinds
    assert configs["glasgow"].exports[0].skip_rows == 2
    assert configs["lisbon"].centre.name == "Atlântico Lisbon"


def _error(workspace, export=None, centre=None) -> str:
    workspace.source(export or CONTACTS_EXPORT, centre=centre)
    with pytest.raises(ConfigError) as caught:
        load_source_configs(workspace.config_dir)
    message = str(caught.value)
    assert "testco.yaml" in message
    return message


def test_unknown_key_with_suggestion(workspace):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export["delimeter"] = ";"
    message = _error(workspace, export)
    assert "unknown key(s) 'delimeter' (did you mean 'delimiter'?) in exports[0]" in message


def test_unknown_canonical_column(workspace):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export["contacts"]["columns"]["handle_time"] = "aht"
    assert "'handle_time'" in _error(workspace, export)
    assert "exports[0].contacts.columns" in _error(workspace, export)


def test_missing_required_mapping(workspace):
    export = copy.deepcopy(CONTACTS_EXPORT)
    del export["contacts"]["columns"]["answered"]
    message = _error(workspace, export)
    assert "exports[0].contacts.columns.answered: is required for contacts" in message


def test_bad_format_name(workspace):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export["format"] = "xls"
    message = _error(workspace, export)
    assert "exports[0].format: 'xls' is not one of csv, csv.gz, xlsx, parquet" in message


def test_bad_timezone_and_value_map_target(workspace):
    assert "centre.timezone: 'Europe/Londres'" in _error(
        workspace, centre={**CENTRE, "timezone": "Europe/Londres"}
    )
    export = copy.deepcopy(CONTACTS_EXPORT)
    export["contacts"]["value_maps"] = {"channel": {"Phone": "telephone"}}
    assert "value_maps.channel.Phone: 'telephone' is not one of voice" in _error(workspace, export)


def test_csat_scale_required_and_ordered(workspace):
    export = copy.deepcopy(SURVEYS_EXPORT)
    export["surveys"]["csat_scale"] = [5, 1]
    assert "exports[0].surveys.csat_scale: is required with csat" in _error(workspace, export)


def test_phone_needs_country_code(workspace):
    export = copy.deepcopy(CONTACTS_EXPORT)
    del export["default_country_code"]
    assert "default_country_code: is required with phone identifiers" in _error(workspace, export)


def test_invalid_config_stops_the_run_before_any_write(workspace):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export["format"] = "xls"
    workspace.source(export)
    with pytest.raises(ConfigError):
        workspace.ingest()
    assert not workspace.warehouse.exists()


def test_a_deployment_defines_its_own_reason_catalogue(workspace):
    (workspace.config_dir / "settings.yaml").write_text(
        "ingest:\n  contact_reasons:\n    meter_reading: Meter reading\n"
        "    tariff_change: Tariff change\n",
        encoding="utf-8",
    )
    export = copy.deepcopy(CONTACTS_EXPORT)
    export["contacts"]["value_maps"] = {"contact_reason": {"Zähler": "meter_reading"}}
    workspace.source(export)
    (config,) = load_source_configs(workspace.config_dir)
    assert config.exports[0].kinds["contacts"].codes["contact_reason"] == (
        "meter_reading",
        "tariff_change",
        "unknown",
    )
    # the sample's codes are not a law: billing_query is not in this catalogue
    export["contacts"]["value_maps"] = {"contact_reason": {"Rechnung": "billing_query"}}
    message = _error(workspace, export)
    assert "'billing_query' is not one of meter_reading, tariff_change, unknown" in message
    assert "ingest.contact_reasons in settings.yaml" in message


def test_loads_with_its_own_reason_codes(workspace):
    (workspace.config_dir / "settings.yaml").write_text(
        "ingest:\n  contact_reasons: [meter_reading]\n", encoding="utf-8"
    )
    workspace.source(CONTACTS_EXPORT)
    workspace.write(
        "testco/contacts_1.csv",
        "\n".join(
            [
                CONTACTS_HEADER,
                contacts_row("C1", reason="meter_reading"),
                contacts_row("C2", reason=""),
            ]
        )
        + "\n",
    )
    assert not workspace.ingest().failed
    assert workspace.query("SELECT contact_id, contact_reason FROM contacts ORDER BY 1") == [
        ("C1", "meter_reading"),
        ("C2", "unknown"),
    ]


@pytest.mark.parametrize(
    ("columns_started_at", "fragment"),
    [
        ("start", "'%H:%M:%S' holds a time only and there is no date source"),
        (
            {"time": "start", "date_from_file": "day", "date_format": "%Y%m%d"},
            "'day' is not a {placeholder} of the export's pattern",
        ),
        ({"time": "start", "date_value": "16/11/2026"}, "'16/11/2026' is not an ISO date"),
        (
            {"date": "d", "time": "start", "date_format": "%d.%m.%Y"},
            "time_format: is required with date_format and a time column",
        ),
    ],
)
def test_time_only_values_need_a_date_source(workspace, columns_started_at, fragment):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export["contacts"]["timestamp_format"] = "%H:%M:%S"
    export["contacts"]["columns"]["started_at"] = columns_started_at
    assert fragment in _error(workspace, export)


def test_every_source_config_key_is_documented():
    from pipelines.ingest import config, people, reported
    from pipelines.settings import REPO_ROOT

    docs = (REPO_ROOT / "docs" / "SOURCE_CONFIG.md").read_text(encoding="utf-8")
    keys = (
        config.CENTRE_KEYS
        | config.EXPORT_KEYS
        | config.KIND_KEYS
        | config.LEG_KEYS
        | config.KEY_KEYS
        | config.TIMESTAMP_KEYS
        | {"include", "exclude"}
        | set().union(*config.COLUMN_KEYS.values())
        | {f.name for f in dataclasses.fields(config.IngestSettings)}
        | reported.REPORTED_KEYS
        | reported.VALUE_KEYS
        | set(config.REPORTED_COLUMNS)
        | people.ROSTER_KEYS
        | people.EMPLOYED_KEYS
        | set(config.ROSTER_COLUMNS)
        | set(config.CANONICAL_COLUMNS["staff_surveys"])
    )
    # named in a table or the text (`key`), or shown in an example (key: ...)
    undocumented = sorted(key for key in keys if f"`{key}" not in docs and f" {key}:" not in docs)
    assert undocumented == []
