"""The mutant list stays applicable, covers every definition, and its score is recorded.

The mutation run itself (``make mutants``, ~10 minutes) is not part of the suite; these
checks keep it honest between runs: a mutant whose text no longer exists would silently
stop testing anything.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import DEFINITIONS, MUTANTS  # noqa: E402

from pipelines.metrics.sql_files import definition_names  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_each_mutant_changes_exactly_one_place(mutant):
    text = (ROOT / mutant.file).read_text(encoding="utf-8")
    assert text.count(mutant.old) == 1, f"{mutant.file} no longer holds {mutant.old!r}"
    assert mutant.new != mutant.old


def test_every_definition_has_a_mutant():
    definitions = (ROOT / DEFINITIONS).read_text(encoding="utf-8")
    bodies = dict(
        re.findall(r"MACRO (\w+)\(.*?\) AS(?: TABLE)?\n(.*?);", definitions, flags=re.DOTALL)
    )
    assert set(bodies) == set(definition_names())
    untouched = [
        name
        for name, body in bodies.items()
        if not any(m.file == DEFINITIONS and m.old in body for m in MUTANTS)
    ]
    assert untouched == []


def test_the_recorded_score_is_for_this_list():
    doc = (ROOT / "docs/METRIC_LAYER.md").read_text(encoding="utf-8")
    recorded = re.search(r"mutation score: (\d+) of (\d+) killed", doc)
    assert recorded, "docs/METRIC_LAYER.md records no mutation score"
    killed, total = map(int, recorded.groups())
    assert (killed, total) == (len(MUTANTS), len(MUTANTS))
