"""Contracts (METRICS.md, "Contracts"): per vendor, style, term and month, the status as
written and with confidence and what each pays, on hand-made warehouses whose values and
intervals are worked out in the comments. Reporting in UTC; z = 1.959964, z² = 3.841459.

Glasgow is the one centre of Claremont Contact. The months:

* June: 10 CSAT answers, 9 satisfied: p = 0.9. Wilson: d = 1 + z²/10 = 1.384146,
  centre (0.9 + z²/20) / d = 1.092073 / d = 0.788988,
  half z·√(0.9·0.1/10 + z²/400) / d = 1.959964·√0.0186036 / d = 0.193137
  -> [59.585, 98.212]: wholly above 50.
  4 answered contacts, handle 100, 120, 140, 160 s: mean 130, sd √(2000/3) = 25.820,
  half z·25.820/2 = 25.303 -> [104.697, 155.303]: wholly below 250 and 300.
* July: 10 answers, 1 satisfied: p = 0.1, the mirror image -> [1.788, 40.415]: wholly
  below 50. Handle 400, 420, 440, 460 s: mean 430 -> [404.697, 455.303]: wholly above
  250 and 300.
* August: 10 answers, 5 satisfied: p = 0.5, half z·√(0.025 + z²/400) / d = 0.263407
  -> [23.659, 76.341]: straddles 50 (and 50 itself is met as written: equal counts).
  Handle 100 and 500 s: mean 300, sd 282.843, half z·282.843/√2 = 391.993
  -> [-91.993, 691.993]: straddles 250 and 300.
* September: nothing (n = 0).
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from pipelines.metrics import contracts as contracts_module
from pipelines.metrics.contract_config import (
    Contracts,
    ContractStyle,
    ContractTerm,
    VendorContract,
    load_contracts,
)
from pipelines.metrics.contracts import (
    STYLE_TOTAL_COLUMNS,
    TERM_COLUMNS,
    TOTAL_COLUMNS,
    contract_terms,
    month_bounds,
    monthly_totals,
    style_totals,
)
from pipelines.settings import DEFAULT_CONFIG_DIR, MetricSettings

CLAREMONT = "Claremont Contact"
JUNE, JULY, AUGUST, SEPTEMBER = (dt.date(2026, month, 1) for month in (6, 7, 8, 9))


def term(metric, target, amount, *, bonus=False, credit=False, direction=None, name=None, org=None):
    direction = direction or ("lower" if metric == "aht_s" else "higher")
    return ContractTerm(
        name or metric, metric, target, direction, amount, bonus, credit, "GBP", org
    )


def one_style(vendor, *terms, style="s1"):
    return Contracts((VendorContract(vendor, style, "GBP", (ContractStyle(style, terms),)),))


def four_months(wh):
    """The months of the module docstring, at Glasgow."""
    for month, satisfied in ((6, 9), (7, 1), (8, 5)):
        for answer in range(10):
            wh.survey(
                "glasgow", f"2026-0{month}-1{answer} 12:00", csat_raw=5 if answer < satisfied else 2
            )
    for month, handles in ((6, (100, 120, 140, 160)), (7, (400, 420, 440, 460)), (8, (100, 500))):
        for day, handle in enumerate(handles, 1):
            wh.contact("glasgow", f"2026-0{month}-0{day} 09:00", talk_s=handle)


def rows_by(table, *keys):
    """Rows by the value of one key column, or by a tuple of several."""
    if len(keys) == 1:
        return {getattr(row, keys[0]): row for row in table.itertuples()}
    return {tuple(getattr(row, key) for key in keys): row for row in table.itertuples()}


def terms_table(con, contracts, settings):
    return contract_terms(con, contracts, settings, start=JUNE, end=dt.date(2026, 9, 30))


def test_a_bonus_only_term_pays_on_met_months_and_only_confidently_met_ones_with_confidence(
    con, wh, settings
):
    four_months(wh)
    contracts = one_style(CLAREMONT, term("csat_pct", 50, 1000, bonus=True))
    table = terms_table(con, contracts, settings)
    assert list(table.columns) == TERM_COLUMNS
    rows = rows_by(table, "month_start")
    june, july, august, september = (rows[m] for m in (JUNE, JULY, AUGUST, SEPTEMBER))
    assert (june.value, june.n) == (pytest.approx(90.0), 10)
    assert (june.ci_low, june.ci_high) == (
        pytest.approx(59.585, abs=1e-3),
        pytest.approx(98.212, abs=1e-3),
    )
    assert (june.status, june.confident_status) == ("met", "met with confidence")
    assert (june.earned_as_written, june.earned_with_confidence) == (1000.0, 1000.0)
    assert (july.ci_low, july.ci_high) == (
        pytest.approx(1.788, abs=1e-3),
        pytest.approx(40.415, abs=1e-3),
    )
    assert (july.status, july.confident_status) == ("missed", "missed with confidence")
    assert (july.earned_as_written, july.earned_with_confidence) == (0.0, 0.0)  # no credit
    # 50 % on a target of 50: met as written; the interval [23.7, 76.3] straddles it
    assert (august.value, august.status, august.confident_status) == (
        pytest.approx(50.0),
        "met",
        "inconclusive",
    )
    assert (august.earned_as_written, august.earned_with_confidence) == (1000.0, 0.0)
    assert august.hinges_on_inconclusive
    assert (september.n, september.status, september.confident_status) == (0, "no data", "no data")
    assert (september.earned_as_written, september.earned_with_confidence) == (0.0, 0.0)
    assert not september.hinges_on_inconclusive
    assert (june.month_end, september.month_end) == (dt.date(2026, 6, 30), dt.date(2026, 9, 30))
    # the data runs from 1 June to 19 August: June and July are whole, the rest not
    assert [rows[m].month_complete for m in (JUNE, JULY, AUGUST, SEPTEMBER)] == [
        True,
        True,
        False,
        False,
    ]


def test_a_credit_only_term_charges_on_missed_months(con, wh, settings):
    four_months(wh)
    contracts = one_style(CLAREMONT, term("csat_pct", 50, 400, credit=True))
    rows = rows_by(terms_table(con, contracts, settings), "month_start")
    earned = {m: (r.earned_as_written, r.earned_with_confidence) for m, r in rows.items()}
    # June met (no bonus); July missed with confidence (-400 both ways); August met as
    # written, so nothing hinges on its inconclusive outcome; September no data
    assert earned == {
        JUNE: (0.0, 0.0),
        JULY: (-400.0, -400.0),
        AUGUST: (0.0, 0.0),
        SEPTEMBER: (0.0, 0.0),
    }
    assert [rows[m].hinges_on_inconclusive for m in (JUNE, JULY, AUGUST, SEPTEMBER)] == [
        False,
        False,
        False,
        False,
    ]


def test_lower_is_better_uses_the_other_side_of_the_interval(con, wh, settings):
    four_months(wh)
    contracts = one_style(CLAREMONT, term("aht_s", 300, 200, bonus=True, credit=True))
    rows = rows_by(terms_table(con, contracts, settings), "month_start")
    june, july, august = rows[JUNE], rows[JULY], rows[AUGUST]
    # June [104.7, 155.3] wholly <= 300: met with confidence
    assert (june.value, june.n) == (pytest.approx(130.0), 4)
    assert june.ci_high == pytest.approx(155.303, abs=1e-3)
    assert (june.confident_status, june.earned_as_written, june.earned_with_confidence) == (
        "met with confidence",
        200.0,
        200.0,
    )
    # July [404.7, 455.3] wholly > 300: missed with confidence, the credit charged
    assert july.ci_low == pytest.approx(404.697, abs=1e-3)
    assert (july.confident_status, july.earned_as_written, july.earned_with_confidence) == (
        "missed with confidence",
        -200.0,
        -200.0,
    )
    # August mean 300 on a target of 300: met as written, [-92.0, 692.0] straddles it
    assert (august.ci_low, august.ci_high) == (
        pytest.approx(-91.993, abs=1e-3),
        pytest.approx(691.993, abs=1e-3),
    )
    assert (august.status, august.confident_status) == ("met", "inconclusive")
    assert (august.earned_as_written, august.earned_with_confidence) == (200.0, 0.0)
    assert rows[SEPTEMBER].status == "no data"


def test_a_sample_below_min_sample_is_inconclusive_however_clear(con, wh):
    # 4 answers, all satisfied: p = 1, Wilson low = 1 / (1 + z²/4) = 1 / 1.960365 = 51.01 %,
    # so [51.01, 100] lies wholly above 50 - but n = 4 < min_sample 5
    for day in range(1, 5):
        wh.survey("glasgow", f"2026-06-0{day} 12:00", csat_raw=5)
    contracts = one_style(CLAREMONT, term("csat_pct", 50, 1000, bonus=True))
    (june,) = contract_terms(
        con, contracts, MetricSettings(min_sample=5), start=JUNE, end=dt.date(2026, 6, 30)
    ).itertuples()
    assert june.ci_low == pytest.approx(51.011, abs=1e-3)
    assert (june.n, june.insufficient_sample) == (4, True)
    assert (june.status, june.confident_status) == ("met", "inconclusive")
    assert (june.earned_as_written, june.earned_with_confidence, june.hinges_on_inconclusive) == (
        1000.0,
        0.0,
        True,
    )
    # with min_sample 4 the same interval is met with confidence
    (june,) = contract_terms(
        con, contracts, MetricSettings(min_sample=4), start=JUNE, end=dt.date(2026, 6, 30)
    ).itertuples()
    assert (june.confident_status, june.earned_with_confidence) == ("met with confidence", 1000.0)


def test_totals_per_month_and_style(con, wh, settings):
    four_months(wh)
    penalty = ContractStyle(
        "penalty",
        (
            term("csat_pct", 50, 1000, bonus=True, name="CSAT bonus"),
            term("csat_pct", 50, 400, credit=True, name="CSAT credit"),
            term("aht_s", 300, 200, bonus=True, credit=True, name="AHT both ways"),
            term("aht_s", 250, 300, credit=True, name="AHT credit"),
        ),
    )
    reward = ContractStyle("reward", (term("csat_pct", 50, 700, bonus=True),))
    contracts = Contracts((VendorContract(CLAREMONT, "reward", "GBP", (penalty, reward)),))
    table = terms_table(con, contracts, settings)
    assert len(table) == (4 + 1) * 4
    totals = monthly_totals(table)
    assert list(totals.columns) == TOTAL_COLUMNS
    by_month = rows_by(totals, "style", "month_start")
    got = {
        month: (
            by_month["penalty", month].earned_as_written,
            by_month["penalty", month].earned_with_confidence,
            by_month["penalty", month].hinging_payments,
            by_month["penalty", month].hinging_amount,
        )
        for month in (JUNE, JULY, AUGUST, SEPTEMBER)
    }
    # June:   bonus +1000 (met w.c.), credit 0, AHT 130 <= 300 +200 (w.c.), 130 <= 250 0
    # July:   bonus 0, credit -400 (w.c.), AHT 430 -200 (w.c.), 430 > 250 -300 (w.c.)
    # August: bonus +1000 (inconclusive), credit 0 (met as written), AHT 300 <= 300 +200
    #         (inconclusive), 300 > 250 -300 (inconclusive): as written +900, with
    #         confidence 0; three payments hinge, |1000| + |200| + |-300| = 1500
    # September: no data, nothing
    assert got == {
        JUNE: (1200.0, 1200.0, 0, 0.0),
        JULY: (-900.0, -900.0, 0, 0.0),
        AUGUST: (900.0, 0.0, 3, 1500.0),
        SEPTEMBER: (0.0, 0.0, 0, 0.0),
    }
    assert by_month["penalty", JUNE].terms == 4
    assert not by_month["penalty", JUNE].in_force and by_month["reward", JUNE].in_force
    assert by_month["reward", AUGUST].earned_as_written == 700.0
    assert by_month["reward", AUGUST].earned_with_confidence == 0.0

    styles = style_totals(table)
    assert list(styles.columns) == STYLE_TOTAL_COLUMNS
    penalty_total, reward_total = styles.itertuples()
    # as written 1200 - 900 + 900 + 0 = 1200; with confidence 1200 - 900 = 300;
    # hinging: August's three, 1500; as written - with confidence = 900 = August's net
    assert (
        penalty_total.style,
        penalty_total.earned_as_written,
        penalty_total.earned_with_confidence,
        penalty_total.hinging_payments,
        penalty_total.hinging_amount,
        penalty_total.months,
        penalty_total.term_months,
        penalty_total.currency,
    ) == ("penalty", 1200.0, 300.0, 3, 1500.0, 4, 16, "GBP")
    assert (penalty_total.first_month, penalty_total.last_month) == (JUNE, SEPTEMBER)
    # reward: June +700 (w.c.), August +700 (inconclusive): 1400 as written, 700 w.c.
    assert (
        reward_total.earned_as_written,
        reward_total.earned_with_confidence,
        reward_total.hinging_payments,
        reward_total.hinging_amount,
    ) == (1400.0, 700.0, 1, 700.0)


def test_client_scored_qa_and_one_metric_layer_call_per_qa_org(con, wh, settings, monkeypatch):
    # June at Glasgow: own QA 90 and 92, client QA 70 and 74 -> all 81.5, client 72.0
    for score, org in ((90, "own"), (92, "own"), (70, "client"), (74, "client")):
        wh.qa("glasgow", "2026-06-10 10:00", score, org=org)
    wh.survey("glasgow", "2026-06-10 12:00", csat_raw=5)
    calls = []
    real = contracts_module.metric_table

    def counted(con, query, settings=None, targets=None):
        calls.append((query.qa_evaluator_org, query.metrics, query.grain, query.group_by))
        return real(con, query, settings, targets)

    monkeypatch.setattr(contracts_module, "metric_table", counted)
    contracts = one_style(
        CLAREMONT,
        term("qa_score", 80, 100, bonus=True, name="QA (client)", org="client"),
        term("qa_pass_pct", 50, 100, bonus=True, name="QA pass (client)", org="client"),
        term("qa_score", 80, 100, bonus=True, name="QA (all)"),
        term("csat_pct", 50, 100, bonus=True),
    )
    table = contract_terms(con, contracts, settings, start=JUNE, end=dt.date(2026, 6, 30))
    values = {row.term: (row.value, row.n) for row in table.itertuples()}
    assert values["QA (client)"] == (pytest.approx(72.0), 2)
    assert values["QA (all)"] == (pytest.approx(81.5), 4)
    assert values["QA pass (client)"] == (pytest.approx(0.0), 2)  # 70 and 74 < pass mark 80
    assert sorted(calls, key=str) == sorted(
        [
            ("client", ("qa_pass_pct", "qa_score"), "month", "vendor"),
            (None, ("csat_pct", "qa_score"), "month", "vendor"),
        ],
        key=str,
    )


def test_a_vendors_view_shows_its_own_contract_with_the_same_numbers(con, wh, settings):
    four_months(wh)
    wh.survey("manila", "2026-06-10 12:00", csat_raw=5)
    contracts = Contracts(
        (
            one_style(CLAREMONT, term("csat_pct", 50, 1000, bonus=True)).vendors[0],
            one_style("Pacific Reach BPO", term("csat_pct", 50, 1000, bonus=True)).vendors[0],
        )
    )
    everyone = terms_table(con, contracts, settings)
    assert set(everyone["vendor"]) == {CLAREMONT, "Pacific Reach BPO"}
    scoped = contract_terms(
        con, contracts, settings, start=JUNE, end=dt.date(2026, 9, 30), vendor_scope=CLAREMONT
    )
    assert set(scoped["vendor"]) == {CLAREMONT}
    mine = everyone[everyone["vendor"] == CLAREMONT].reset_index(drop=True)
    assert scoped[["value", "n", "ci_low", "ci_high"]].equals(
        mine[["value", "n", "ci_low", "ci_high"]]
    )
    with pytest.raises(ValueError, match="its own contract only"):
        contract_terms(
            con,
            contracts,
            settings,
            vendors=["Pacific Reach BPO"],
            start=JUNE,
            end=JUNE,
            vendor_scope=CLAREMONT,
        )
    with pytest.raises(ValueError, match="No contract for vendor.*Nobody"):
        contract_terms(con, contracts, settings, vendors=["Nobody"], start=JUNE, end=JUNE)


def test_months_are_whole_calendar_months_in_the_reporting_time_zone(con, wh):
    # 30 June 23:30 UTC is 1 July 00:30 in London (summer time)
    wh.survey("glasgow", "2026-06-30 23:30", csat_raw=5)
    contracts = one_style(CLAREMONT, term("csat_pct", 50, 1000, bonus=True))
    london = MetricSettings(reporting_timezone="Europe/London", min_sample=1)
    # a review period from 15 June to 3 July touches June and July, both settled whole
    table = contract_terms(
        con, contracts, london, start=dt.date(2026, 6, 15), end=dt.date(2026, 7, 3)
    )
    assert [(row.month_start, row.n) for row in table.itertuples()] == [(JUNE, 0), (JULY, 1)]
    assert month_bounds(dt.date(2026, 6, 15), dt.date(2026, 7, 3)) == (JUNE, dt.date(2026, 7, 31))


def test_the_sample_contracts_reward_and_penalise_as_the_story_says():
    contracts = load_contracts(DEFAULT_CONFIG_DIR)
    assert contracts.vendor_names == (CLAREMONT, "Atlântico Serviços", "Pacific Reach BPO")
    for vendor in contracts.vendors:
        styles = {style.name: style for style in vendor.styles}
        assert set(styles) == {"productivity-penalty", "satisfaction-reward"}
        penalty, reward = styles["productivity-penalty"], styles["satisfaction-reward"]
        assert {t.metric for t in penalty.terms if t.credit_when_missed} == {
            "aht_s",
            "service_level_pct",
        }
        assert [
            (t.metric, t.qa_evaluator_org, t.bonus_when_met, t.credit_when_missed)
            for t in reward.terms
        ] == [
            ("csat_pct", None, True, False),
            ("fcr_repeat_pct", None, True, False),
            ("qa_score", "client", True, False),
        ]
    assert contracts.for_vendor("Pacific Reach BPO").in_force == "productivity-penalty"
    assert contracts.for_vendor("Atlântico Serviços").currency == "EUR"


# --- contracts.yaml: every mistake names the file, vendor, style, term and key --------


def write(tmp_path, text):
    path = tmp_path / "contracts.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD = """
contracts:
  Claremont Contact:
    currency: GBP
    in_force: reward
    styles:
      reward:
        terms:
          - {metric: csat_pct, target: 78, amount: 4000, bonus_when_met: true}
"""


def test_a_good_file_and_its_defaults(tmp_path):
    contracts = load_contracts(write(tmp_path, GOOD))
    (vendor,) = contracts.vendors
    (only,) = vendor.style("reward").terms
    assert only == ContractTerm(
        "CSAT %", "csat_pct", 78.0, "higher", 4000.0, True, False, "GBP", None
    )
    assert load_contracts(tmp_path) == contracts  # a folder holding contracts.yaml
    assert load_contracts(tmp_path / "missing.yaml") == Contracts()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "metric: csat_pct",
            "metric: csat_percent",
            "vendor 'Claremont Contact', style 'reward', term 1 (csat_percent): key 'metric': "
            "unknown metric 'csat_percent'",
        ),
        (
            "amount: 4000",
            "amount: -4000",
            "term 1 (csat_pct): key 'amount' must not be negative, got -4000",
        ),
        (
            "amount: 4000,",
            "amount: 4000, direction: up,",
            "term 1 (csat_pct): key 'direction' must be 'higher' or 'lower'",
        ),
        ("target: 78", "target: high", "term 1 (csat_pct): key 'target' must be a number"),
        ("target: 78, ", "", "term 1 (csat_pct): key 'target' is required"),
        ("bonus_when_met: true", "bonus_when_met: false", "neither pays nor charges"),
        ("bonus_when_met: true", "bonus_when_met: yes please", "key 'bonus_when_met' must be true"),
        ("bonus_when_met: true", "bonus_when_met: true, cap: 3", "unknown key(s) cap"),
        ("in_force: reward", "in_force: penalty", "key 'in_force' must name one of its styles"),
        ("currency: GBP", "currency: pounds", "key 'currency' must be a three-letter ISO 4217"),
        ("    currency: GBP\n", "", "term 1 (csat_pct): key 'currency' is missing"),
        (
            "bonus_when_met: true",
            "bonus_when_met: true, qa_evaluator_org: client",
            "key 'qa_evaluator_org' applies to QA metrics only",
        ),
        (
            "metric: csat_pct",
            "metric: qa_score, qa_evaluator_org: vendor",
            "key 'qa_evaluator_org' must be one of own, client",
        ),
        (
            "bonus_when_met: true}",
            "bonus_when_met: true, currency: EUR}\n          - {metric: nps, target: 30, "
            "amount: 1, bonus_when_met: true}",
            "several currencies (EUR, GBP)",
        ),
        (
            "bonus_when_met: true}",
            "bonus_when_met: true}\n          - {metric: csat_pct, target: 80, amount: 1, "
            "credit_when_missed: true}",
            "two terms named 'CSAT %'",
        ),
        ("styles:", "style:", "unknown key(s) style"),
    ],
)
def test_mistakes_name_the_file_vendor_term_and_key(tmp_path, old, new, message):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ValueError) as raised:
        load_contracts(path)
    assert str(raised.value).startswith(f"{path}: vendor 'Claremont Contact'")
    assert message in str(raised.value)


def test_the_file_itself_must_be_a_mapping_of_vendors(tmp_path):
    with pytest.raises(ValueError, match="not valid YAML"):
        load_contracts(write(tmp_path, "contracts: [unclosed"))
    with pytest.raises(ValueError, match="'contracts' must map each vendor's name"):
        load_contracts(write(tmp_path, "contracts:\n  - Claremont Contact\n"))
    with pytest.raises(ValueError, match="one top-level key, 'contracts'"):
        load_contracts(write(tmp_path, "contract: {}\n"))


# --- python -m pipelines export --table contracts -----------------------------------

EXPORT_CONTRACTS = """
contracts:
  Claremont Contact:
    currency: GBP
    in_force: penalty
    styles:
      penalty:
        terms:
          - {metric: aht_s, target: 300, amount: 200, bonus_when_met: true,
             credit_when_missed: true}
          - {metric: csat_pct, target: 50, amount: 400, credit_when_missed: true}
      reward:
        terms:
          - {metric: csat_pct, target: 50, amount: 1000, bonus_when_met: true}
"""


@pytest.fixture
def contract_files(tmp_path):
    """A warehouse file holding the four months of the module docstring, and a config
    folder whose contracts.yaml gives Claremont a penalty and a reward style."""
    import duckdb

    from pipelines.warehouse import create_schema

    from .conftest import SAMPLE_CENTRES, Warehouse

    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    create_schema(con)
    con.executemany("INSERT INTO centres VALUES (?, ?, ?, ?, ?, ?, ?)", SAMPLE_CENTRES)
    four_months(Warehouse(con))
    con.close()
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.yaml").write_text("metrics:\n  min_sample: 2\n")
    (config / "contracts.yaml").write_text(textwrap.dedent(EXPORT_CONTRACTS))
    return path, config


def test_export_cli_writes_the_contracts(contract_files, tmp_path, capsys):
    import openpyxl
    import pandas as pd

    from pipelines.__main__ import main
    from tests.typed_workbook import assert_cells_typed

    path, config = contract_files
    out = tmp_path / "out"
    arguments = ["export", "--table", "contracts", "--warehouse", str(path)]
    code = main([*arguments, "--config-dir", str(config), "--out", str(out), "--quiet"])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "contracts.xlsx",
        "contracts_monthly.csv",
        "contracts_monthly.parquet",
        "contracts_terms.csv",
        "contracts_terms.parquet",
    ]
    terms = pd.read_csv(out / "contracts_terms.csv")
    assert list(terms.columns) == TERM_COLUMNS
    # the data run from 1 June to 19 August: three months, 3 terms each
    assert len(terms) == 9
    monthly = pd.read_csv(out / "contracts_monthly.csv")
    assert list(monthly.columns) == TOTAL_COLUMNS
    got = {
        (row.style, row.month_start): (row.earned_as_written, row.earned_with_confidence)
        for row in monthly.itertuples()
    }
    # penalty: June AHT +200 (w.c.), CSAT met (no bonus); July AHT -200 and CSAT -400
    # (both w.c.); August AHT +200 (inconclusive), CSAT met as written.
    # reward: June +1000 (w.c.), July 0, August +1000 (inconclusive)
    assert got == {
        ("penalty", "2026-06-01"): (200.0, 200.0),
        ("penalty", "2026-07-01"): (-600.0, -600.0),
        ("penalty", "2026-08-01"): (200.0, 0.0),
        ("reward", "2026-06-01"): (1000.0, 1000.0),
        ("reward", "2026-07-01"): (0.0, 0.0),
        ("reward", "2026-08-01"): (1000.0, 0.0),
    }
    parquet = pd.read_parquet(out / "contracts_terms.parquet")
    assert parquet["month_start"].iloc[0] == JUNE  # a date stays a date
    workbook = openpyxl.load_workbook(out / "contracts.xlsx")
    assert workbook.sheetnames == ["terms", "monthly totals", "style totals", "definitions"]
    sheet = workbook["style totals"]
    header = [cell.value for cell in sheet[1]]
    penalty = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "penalty")
    earned = penalty[header.index("earned_as_written")]
    # 200 - 600 + 200 = -200, a signed amount in pounds
    assert (earned.value, earned.number_format) == (-200, '+"£"#,##0;-"£"#,##0;"£"#,##0')
    hinging = penalty[header.index("hinging_amount")]
    assert (hinging.value, hinging.number_format) == (200, '"£"#,##0;-"£"#,##0;"£"#,##0')
    assert_cells_typed(workbook)
    assert str(out / "contracts_terms.csv") in capsys.readouterr().out


def test_export_cli_contracts_user_errors(contract_files, tmp_path, capsys):
    from pipelines.__main__ import main

    path, config = contract_files
    base = ["export", "--table", "contracts", "--warehouse", str(path)]
    base += ["--config-dir", str(config), "--out", str(tmp_path / "out"), "--quiet"]
    assert main([*base, "--centre", "glasgow"]) == 2
    assert "--centre do(es) not apply to --table contracts" in capsys.readouterr().err
    assert main([*base, "--vendor", "Nobody"]) == 2
    assert "No contract for vendor(s) Nobody" in capsys.readouterr().err
    metrics = ["export", "--warehouse", str(path), "--config-dir", str(config), "--quiet"]
    assert main([*metrics, "--out", str(tmp_path / "m"), "--vendor", CLAREMONT]) == 2
    assert "--vendor applies to --table contracts only" in capsys.readouterr().err
    (config / "contracts.yaml").write_text(EXPORT_CONTRACTS.replace("amount: 400", "amount: -400"))
    assert main(base) == 2
    err = capsys.readouterr().err
    assert "vendor 'Claremont Contact', style 'penalty', term 2 (csat_pct)" in err
    assert "key 'amount' must not be negative" in err
    (config / "contracts.yaml").unlink()
    assert main(base) == 2
    assert "no contracts to export" in capsys.readouterr().err
