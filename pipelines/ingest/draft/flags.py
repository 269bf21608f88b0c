"""Flag columns: true and false words (in several languages), a column holding them, and
the pairs a file writes (to complete a column holding only one word)."""

from __future__ import annotations

from collections import Counter

from .guess import ColumnGuess, allowed_misfits, bad_note
from .sample import Sample
from .vocabulary import flag_named, has_words
from .wording import count_text

TRUE_WORDS = (
    "yes",
    "y",
    "true",
    "t",
    "1",
    "ja",
    "j",
    "s",
    "sim",
    "si",
    "sí",
    "oui",
    "wahr",
    "verdadeiro",
    "verdadero",
    "vrai",
)
FALSE_WORDS = ("no", "n", "false", "f", "0", "nein", "não", "nao", "non", "falsch", "falso", "faux")
PARTNERS = {
    "n": ("y", "j", "s"),
    "no": ("yes", "si", "sí"),
    "0": ("1",),
    "false": ("true",),
    "f": ("t",),
    "nein": ("ja",),
    "não": ("sim",),
    "nao": ("sim",),
    "non": ("oui",),
    "falsch": ("wahr",),
    "falso": ("verdadeiro", "verdadero"),
    "faux": ("vrai",),
}
for _false, _trues in list(PARTNERS.items()):
    for _true in _trues:
        PARTNERS.setdefault(_true, (_false,))


def as_flag(
    guess: ColumnGuess, values: list[str], file_pairs: dict[str, str]
) -> ColumnGuess | None:
    """A flag column: one or two true words and false words (a stray value or two aside);
    a column holding one word only is completed by its partner (as the file pairs it, else
    the usual one) when the header names a flag or the file pairs that word."""
    if has_words(guess.name, "duration") or (
        has_words(guess.name, "number") and not flag_named(guess.name)
    ):
        return None
    lower = Counter(v.lower() for v in values)
    trues = [w for w in lower if w in TRUE_WORDS]
    falses = [w for w in lower if w in FALSE_WORDS]
    unknown = [w for w in lower if w not in TRUE_WORDS and w not in FALSE_WORDS]
    bad_count = sum(lower[w] for w in unknown)
    if (
        not (trues or falses)
        or len(trues) > 2
        or len(falses) > 2
        or bad_count > allowed_misfits(len(values))
        or len(unknown) > 1
    ):
        return None
    numeric = set(trues + falses) <= {"0", "1"}
    if numeric and not (flag_named(guess.name) or (trues and falses)):
        return None
    if numeric and has_words(guess.name, "leg"):
        return None
    written = {}
    for value in values:
        written.setdefault(value.lower(), value)
    guessed = None
    if not trues or not falses:
        seen = (trues or falses)[0]
        if not flag_named(guess.name) and seen not in file_pairs:
            return None
        partner = file_pairs.get(seen) or PARTNERS.get(seen, ("?",))[0]
        # written in the seen word's case: N -> S, Nein -> Ja
        guessed = (
            partner.upper()
            if written[seen].isupper()
            else partner.capitalize()
            if written[seen][:1].isupper()
            else partner
        )
    trues_out = tuple(written[w] for w in trues) or (guessed,)
    falses_out = tuple(written[w] for w in falses) or (guessed,)
    counts = {written[w]: lower[w] for w in trues + falses}
    seen_text = " / ".join(f"{w} ×{count_text(c)}" for w, c in counts.items())
    reason = f"flag: {seen_text}"
    if guessed:
        reason += f"; only {'true' if trues else 'false'} seen, '{guessed}' assumed"
    guess.type = "flag"
    guess.true_words, guess.false_words, guess.guessed_word = trues_out, falses_out, guessed
    guess.bad = [written[w] for w in unknown]
    guess.bad_count = bad_count
    guess.reason = reason + bad_note(guess)
    return guess


def flag_pairs(sample: Sample) -> dict[str, str]:
    """Flag words and their partners as this file writes them, lower-cased: from columns
    holding a true and a false word (``s`` <-> ``n``), else from words seen anywhere in
    the file's one- or two-word columns (a ``J`` column makes ``N``'s partner ``J``)."""
    pairs: dict[str, str] = {}
    seen: set[str] = set()
    for index in range(len(sample.header)):
        words = {v.strip().lower() for v in sample.column(index)[:5_000] if v}
        if not 1 <= len(words) <= 2 or not words <= set(TRUE_WORDS) | set(FALSE_WORDS):
            continue
        seen |= words
        trues, falses = words & set(TRUE_WORDS), words & set(FALSE_WORDS)
        if len(trues) == 1 and len(falses) == 1:
            (true,), (false,) = trues, falses
            pairs.setdefault(true, false)
            pairs.setdefault(false, true)
    for word in seen:
        if word not in pairs:
            partner = next((p for p in PARTNERS.get(word, ()) if p in seen), None)
            if partner:
                pairs[word] = partner
    return pairs
