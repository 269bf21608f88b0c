"""The catalogue and the metric contract (METRICS.md) name the same metrics.

docs/contract/METRICS.md is the copy of ../shared/METRICS.md this code implements;
where the shared file is present (a developer's checkout) the copy must match it, so a
changed contract fails here until the copy, the catalogue and the code follow it.
"""

from __future__ import annotations

import re

import pytest

from pipelines.metrics.catalogue import CATALOGUE
from pipelines.settings import REPO_ROOT

CONTRACT_COPY = REPO_ROOT / "docs" / "contract" / "METRICS.md"
SHARED_CONTRACT = REPO_ROOT.parent / "shared" / "METRICS.md"
QA_SECTIONS = ("accuracy", "empathy", "brand", "compliance", "process")

# metrics the contract defines in prose rather than in a table: id -> the words there
PROSE_METRICS = {
    "csat_pct_adjusted": "**Mix-adjusted** `csat_pct`",
    **{f"qa_section_{s}": "the same mean is available per section" for s in QA_SECTIONS},
    "responder_repeat_gap": "`responder_repeat_gap` = `fcr_repeat_pct`",
    # issue 13 asks for the calibration gap per QA section too
    **{
        f"qa_calibration_gap_{s}": "compares a vendor's own QA team with the client's"
        for s in QA_SECTIONS
    },
}
# metrics of the contract the catalogue does not have yet, and the issue that builds them
NOT_YET_BUILT: dict[str, int] = {}


@pytest.fixture(autouse=True)
def summary_route() -> str:
    """Overrides conftest's two-route run: no warehouse here."""
    return "none"


def contract_text() -> str:
    return CONTRACT_COPY.read_text(encoding="utf-8")


def table_metric_ids(text: str) -> list[str]:
    """The first cell of every metric-table row: | `csat_pct` | definition | population |"""
    return re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.MULTILINE)


def test_the_copy_is_the_shared_contract():
    if SHARED_CONTRACT.exists():  # absent on a clean clone elsewhere: the copy stands
        assert CONTRACT_COPY.read_bytes() == SHARED_CONTRACT.read_bytes(), (
            "../shared/METRICS.md changed: update docs/contract/METRICS.md and the code"
        )


def test_every_contract_metric_is_in_the_catalogue_or_planned():
    text = contract_text()
    for words in PROSE_METRICS.values():
        assert words in text
    contract = set(table_metric_ids(text)) | set(PROSE_METRICS)
    assert len(table_metric_ids(text)) == len(set(table_metric_ids(text)))  # no id twice
    assert contract - set(CATALOGUE) == set(NOT_YET_BUILT)


def test_every_catalogue_metric_is_in_the_contract():
    text = contract_text()
    contract = set(table_metric_ids(text)) | set(PROSE_METRICS)
    assert set(CATALOGUE) - contract == set()


def test_built_metrics_are_not_listed_as_planned():
    assert set(NOT_YET_BUILT) & set(CATALOGUE) == set()
