"""A hostile corpus: text an export (or a link) may carry that must stay plain text.

``hostile_warehouse`` copies the sample warehouse and writes the corpus into every text
the app shows from the data: a centre's name and vendor, queues, contact reasons, agent
ids, survey comments, QA evaluator ids and evaluated contacts' ids, file names, load
messages and rejects. The numbers stay the same,
so every page still has something to draw.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipelines.metrics.summaries import build_summaries
from pipelines.settings import DEFAULT_CONFIG_DIR, load_metric_settings

EVIL_HOST = "evil.example"
PAYLOADS = [
    f"![t](http://{EVIL_HOST}/pixel.png)",
    f"[Session expired](http://{EVIL_HOST}/login)",
    f"<img src=http://{EVIL_HOST}/x.png onerror=alert(1)>",
    "<script>alert(1)</script><b>bold html</b>",
    "\r\n# INJECTED heading\r\n",
    "\u202eevil reversed\u202c name",
    f":smile: -> www.{EVIL_HOST} $x^2$ **bold** :red[red] :material/home:",
    "nul\x00byte",
    "long " + "x" * 60_000,
]
# what an interpreted payload leaves in an element's markdown source
MARKDOWN_TELLS = [
    "](http",
    "<img",
    "<script",
    "<b>",
    "**bold**",
    ":smile:",
    "->",
    f"www.{EVIL_HOST}",
    "$x^2$",
    ":red[",
    ":material/home",
    "\u202e",
    "\x00",
]
HTML_TELLS = ["<img", "<script", "<b>", "\u202e", "\x00"]
HOSTILE_VENDOR = PAYLOADS[1]  # the vendor of the Manila centre


def payload(index: int) -> str:
    return PAYLOADS[index % len(PAYLOADS)]


def hostile_warehouse(sample: Path, target: Path) -> Path:
    """A copy of ``sample`` with the corpus in every shown text; summaries rebuilt."""
    shutil.copy(sample, target)
    with duckdb.connect(str(target)) as con:
        con.execute(
            "UPDATE centres SET name = $name, vendor = $vendor WHERE centre_id = 'manila'",
            {"name": payload(0) + " Manila", "vendor": HOSTILE_VENDOR},
        )
        con.execute(
            "UPDATE centres SET name = $name WHERE centre_id = 'glasgow'",
            {"name": payload(4) + " Glasgow"},
        )
        con.execute(
            "UPDATE centres SET name = $name WHERE centre_id = 'lisbon'",
            {"name": payload(5) + " Lisbon"},
        )
        # a list parameter indexed by a row's hash: every payload lands somewhere
        corpus = {"corpus": PAYLOADS, "k": len(PAYLOADS)}
        con.execute(
            "UPDATE contacts SET queue = $corpus[CAST(1 + hash(contact_id) % $k AS BIGINT)] "
            "WHERE hash(contact_id) % 3 = 0",
            corpus,
        )
        con.execute(
            "UPDATE contacts SET contact_reason = "
            "$corpus[CAST(1 + hash(contact_id) % $k AS BIGINT)] WHERE hash(contact_id) % 7 = 0",
            corpus,
        )
        con.execute(
            "UPDATE contacts SET agent_id = $corpus[CAST(1 + hash(contact_id) % $k AS BIGINT)] "
            "WHERE hash(contact_id) % 5 = 0",
            corpus,
        )
        con.execute(
            "UPDATE surveys SET comment = $corpus[CAST(1 + hash(survey_id) % $k AS BIGINT)] "
            "WHERE comment IS NOT NULL",
            corpus,
        )
        # QA evaluators, and the ids of some evaluated contacts (everywhere they appear)
        con.execute(
            "UPDATE qa_evaluations SET evaluator_id = "
            "$corpus[CAST(1 + hash(evaluation_id) % $k AS BIGINT)] "
            "WHERE hash(evaluation_id) % 4 = 0",
            corpus,
        )
        for table in ("contacts", "surveys", "qa_evaluations"):
            con.execute(
                f"UPDATE {table} SET contact_id = "
                "$corpus[CAST(1 + hash(contact_id) % $k AS BIGINT)] || ' ' || contact_id "
                "WHERE hash(contact_id) % 5 = 1 AND contact_id IN "
                "(SELECT contact_id FROM qa_evaluations WHERE evaluator_org = 'client')",
                corpus,
            )
        con.execute(
            "UPDATE loads SET file_name = $corpus[1 + load_id % $k], "
            "message = $corpus[1 + (load_id + 1) % $k]",
            corpus,
        )
        con.execute(
            "UPDATE rejects SET reason = $corpus[1 + row_number % $k], "
            "raw_row = $corpus[1 + (row_number + 1) % $k], "
            "column_name = $corpus[1 + (row_number + 2) % $k]",
            corpus,
        )
        build_summaries(con, load_metric_settings(DEFAULT_CONFIG_DIR))
    return target
