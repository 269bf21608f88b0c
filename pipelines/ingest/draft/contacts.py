"""What only contacts files have: an outcome or direction column, answered and abandoned
derived from one another or from the outcome, legs of one contact, rows that are not
contacts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .canonical import DURATION_FIELDS
from .column_values import flag_value
from .guess import ColumnGuess, words_in
from .keys import KeyChoice
from .render import Block, Entry, Quoted, Raw
from .sample import TOTAL_WORDS, Sample
from .vocabulary import has_words, normalise
from .wording import count_text, shortened

# Outcome / status values that say whether a contact was answered or abandoned.
ANSWER_WORDS = {
    "answered",
    "answer",
    "handled",
    "connected",
    "agent",
    "accepted",
    "taken",
    "angenommen",
    "beantwortet",
    "atendida",
    "atendido",
    "contestada",
    "contestado",
    "repondu",
    "decroche",
    "answered by agent",
    "agent answered",
    "served",
}
ABANDON_WORDS = {
    "abandoned",
    "abandon",
    "hang",
    "hangup",
    "hung up",
    "caller hangup",
    "caller abandoned",
    "lost",
    "dropped",
    "verloren",
    "abgebrochen",
    "aufgelegt",
    "abandonada",
    "abandonado",
    "perdida",
    "perdido",
    "abandonne",
    "abandonnee",
    "no answer",
    "noanswer",
    "not answered",
    "unanswered",
    "missed",
    "abandon in queue",
    "queue abandon",
}
NOT_CONTACT_WORDS = {"phantom", "test", "test call", "ghost"}
DIRECTION_IN = {
    "inbound",
    "in",
    "ib",
    "incoming",
    "eingehend",
    "entrada",
    "entrante",
    "entrant",
    "inbound call",
}
DIRECTION_OUT = {
    "outbound",
    "out",
    "ob",
    "outgoing",
    "ausgehend",
    "saida",
    "saída",
    "salida",
    "saliente",
    "sortant",
    "internal",
    "intern",
    "interno",
    "interna",
    "interne",
    "outbound call",
    "transfer",
}


def outcome_column(guesses: Sequence[ColumnGuess]) -> ColumnGuess | None:
    """A code column (status, outcome, disposition) whose values say answered / abandoned."""
    best = None
    for guess in guesses:
        if guess.type != "code" or guess.distinct > 15:
            continue
        hits = words_in(guess, ANSWER_WORDS | ABANDON_WORDS)
        if hits and (best is None or has_words(guess.name, "outcome")):
            best = guess
    return best


def direction_column(guesses: Sequence[ColumnGuess]) -> ColumnGuess | None:
    for guess in guesses:
        if guess.type not in ("code", "flag"):
            continue
        words = {v.strip().lower() for v, _ in guess.top}
        if (
            (has_words(guess.name, "direction") or words <= DIRECTION_IN | DIRECTION_OUT)
            and words & DIRECTION_IN
            and words & DIRECTION_OUT
        ):
            return guess
    return None


def looks_like_calls(sample: Sample) -> bool:
    words = normalise(sample.path.name) + " " + " ".join(normalise(h) for h in sample.header)
    return bool(
        re.search(
            r"\b(call|calls|calllog|call log|cdr|acd|pbx|ani|dnis|anruf|"
            r"anrufe|llamada|chamada|appel|trunk|ring|dial)\b",
            words,
        )
    )


def derived_flag_entry(
    name: str,
    kind: str,
    fields_: dict[str, tuple[str, int]],
    by_name: dict[str, ColumnGuess],
    outcome: ColumnGuess | None,
) -> Entry | None:
    """answered / abandoned from an outcome column, or as the negation of each other."""
    if kind != "contacts" or name not in ("answered", "abandoned"):
        return None
    other = "abandoned" if name == "answered" else "answered"
    if other in fields_:
        source = by_name[fields_[other][0]]
        return Entry(
            name,
            {**flag_value(source), "negate": True},
            f"? no {name} column: {name} = not {other} ({source.name}); a contact "
            f"that was neither counts as {name}",
        )
    if outcome is None:
        return None
    answers = words_in(outcome, ANSWER_WORDS)
    abandons = words_in(outcome, ABANDON_WORDS)
    ignored = words_in(outcome, NOT_CONTACT_WORDS)
    rest = [v for v, _ in outcome.top if v not in answers + abandons + ignored]
    seen = ", ".join(f"{shortened(v, 16)} ×{count_text(n)}" for v, n in outcome.top[:6])
    # the words that say so, else the words that say the other (then true otherwise)
    saying, contrary = (answers, abandons) if name == "answered" else (abandons, answers)
    if saying:
        value = {
            "column": outcome.name,
            "true_words": [Quoted(w) for w in saying],
            "otherwise": False,
        }
    else:
        value = {
            "column": outcome.name,
            "false_words": [Quoted(w) for w in contrary],
            "otherwise": True,
        }
    note = f"? derived from the outcome: {seen}"
    if rest and answers and abandons:
        note += f"; {', '.join(rest[:3])}: neither"
    return Entry(name, value, note)


def legs_block(key: KeyChoice, fields_: dict[str, tuple[str, int]]) -> Block:
    mapped = set(fields_)
    block = Block()
    if key.legs == "leg_column":
        block.append(Entry("leg_column", key.columns[1], "numbers the legs of a contact"))
        if "agent_id" in mapped:
            block.append(
                Entry(
                    "last_leg",
                    ["agent_id"],
                    "the agent who finished the contact (answering_leg: the first to answer)",
                )
            )
        summed = [f for f in DURATION_FIELDS if f in mapped and f != "wait_s"]
        if summed:
            block.append(
                Entry(
                    "sum",
                    summed,
                    "handle time over all legs (union: talk_s when hop records overlap)",
                )
            )
        if "complaint" in mapped:
            block.append(
                Entry(
                    "any",
                    ["complaint"],
                    "true when any leg has it; answered/abandoned come from the first leg",
                )
            )
    else:
        block.append(Entry("order_by", Raw("started_at"), "no leg number: legs in start order"))
        if "agent_id" in mapped:
            block.append(Entry("answering_leg", ["agent_id"], "the first agent to answer"))
        if "talk_s" in mapped:
            block.append(Entry("union", ["talk_s"], "hops may overlap: talk counted once"))
        summed = [f for f in ("hold_s", "wrap_s") if f in mapped]
        if summed:
            block.append(Entry("sum", summed, "summed over the legs"))
        block.append(
            Entry(
                "any",
                ["answered", *(["complaint"] if "complaint" in mapped else [])],
                "answered when any leg was",
            )
        )
        block.append(Entry("all", ["abandoned"], "abandoned only when no leg was answered"))
    if "transferred" in mapped:
        block.append(
            Entry(
                "transferred_when_several_legs",
                False,
                "the file has a transfer column (mapped above)",
            )
        )
        if key.legs == "leg_column":
            block.append(Entry("any", ["transferred"], off=True))
    else:
        block.append(
            Entry(
                "transferred_when_several_legs",
                True,
                "a contact with several legs counts as transferred",
            )
        )
    return block


def filters_block(
    direction: ColumnGuess | None, outcome: ColumnGuess | None, key_column: ColumnGuess | None
) -> Block:
    """Rows that are not inbound contacts: the outbound words of the direction column, the
    test calls of the outcome, a totals row in the key column."""
    exclude: dict[str, list[str]] = {}
    notes = []
    if direction:
        out = words_in(direction, DIRECTION_OUT)
        exclude[direction.name] = out
        notes.append(f"{direction.name} also holds {', '.join(out)}")
    if outcome:
        ignored = words_in(outcome, NOT_CONTACT_WORDS)
        if ignored:
            exclude[outcome.name] = ignored
            notes.append(f"{outcome.name} {', '.join(ignored)}: not a contact")
    totals = words_in(key_column, TOTAL_WORDS) if key_column else []
    if totals:
        exclude[key_column.name] = totals
        notes.append(f"a {totals[0]} row in {key_column.name}")
    block = Block()
    if exclude:
        block.append(Entry("exclude", exclude, "; ".join(notes)))
    return block
