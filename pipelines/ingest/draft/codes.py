"""Code columns: canonical codes guessed for a column's words (channel, contact reason,
evaluator organisation), from the vocabulary and the value_maps of existing source
configs, written as value_maps skeletons."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import yaml

from ..config import CHANNELS, CODE_VALUES, CONTACT_REASONS, EVALUATOR_ORGS, KINDS
from .guess import MAX_CODES, ColumnGuess
from .render import Block, Entry, Raw
from .vocabulary import normalise
from .wording import count_text, plural

CHANNEL_WORDS = {
    "voice": (
        "voice",
        "phone",
        "telephone",
        "telefone",
        "telefon",
        "telefono",
        "tel",
        "call",
        "calls",
        "anruf",
        "llamada",
        "chamada",
        "appel",
        "callback",
        "voz",
        "voix",
        "ivr",
        "inbound call",
        "phone call",
        "audio",
        "telefonie",
        "ligacao",
    ),
    "chat": (
        "chat",
        "webchat",
        "web chat",
        "livechat",
        "live chat",
        "messaging",
        "messenger",
        "whatsapp",
        "in app chat",
        "conversa web",
    ),
    "email": ("email", "e mail", "mail", "correo", "courriel", "correio", "e-mail"),
    "sms": ("sms", "text", "texto", "text message", "mensagem"),
    "social": (
        "social",
        "twitter",
        "facebook",
        "instagram",
        "social media",
        "redes sociais",
        "redes sociales",
        "reseaux sociaux",
    ),
    "post": ("post", "letter", "brief", "carta", "courrier", "postal"),
}
REASON_WORDS = (  # checked in order: the first match wins
    (
        "cancellation",
        (
            "cancel",
            "leaving",
            "kundigung",
            "kuendigung",
            "resiliation",
            "churn",
            "baja",
            "close account",
            "termination",
            "rescisao",
            "storno",
        ),
    ),
    (
        "moving_home",
        ("move", "moving", "mudanca", "umzug", "mudanza", "demenagement", "relocation", "new home"),
    ),
    (
        "technical_fault",
        (
            "fault",
            "tech",
            "avaria",
            "storung",
            "stoerung",
            "averia",
            "panne",
            "outage",
            "broken",
            "repair",
            "incidencia",
            "defeito",
            "incident",
            "stoer",
        ),
    ),
    (
        "payment",
        (
            "pay",
            "pagamento",
            "pago",
            "zahlung",
            "paiement",
            "direct debit",
            "lastschrift",
            "debit",
            "refund",
        ),
    ),
    (
        "billing_query",
        ("bill", "invoice", "rechnung", "fatura", "factura", "facture", "statement", "tarif"),
    ),
    (
        "account_update",
        (
            "account",
            "details",
            "acct",
            "daten",
            "dados",
            "datos",
            "donnees",
            "update",
            "address",
            "adresse",
            "personal",
            "alteracao",
            "profile",
            "cambio",
        ),
    ),
)
ORG_WORDS = (
    ("client", ("client", "kunde", "cliente", "customer", "auftraggeber")),
    ("own", ("own", "internal", "intern", "interno", "vendor", "bpo", "self", "in house")),
)


def guess_code(canonical: str, word: str) -> str | None:
    """A canonical code for a source word of a code column, or None when unsure."""
    norm = normalise(word)
    if canonical == "channel":
        if norm in CHANNELS:
            return norm
        for code, words in CHANNEL_WORDS.items():
            if norm in words:
                return code
        tokens = set(norm.split())
        for code, words in CHANNEL_WORDS.items():
            if tokens & {w for w in words if " " not in w and len(w) > 3}:
                return code
        return None
    if canonical == "contact_reason":
        if norm.replace(" ", "_") in CONTACT_REASONS:
            return norm.replace(" ", "_")
        for code, words in REASON_WORDS:
            if any(w in norm for w in words):
                return code
        return None
    if canonical == "evaluator_org":
        if norm in EVALUATOR_ORGS:
            return norm
        for code, words in ORG_WORDS:
            if any(re.search(rf"\b{w}\b", norm) for w in words):
                return code
    return None


def code_share(canonical: str, guess: ColumnGuess) -> float:
    values = [v for v, _ in guess.top[:MAX_CODES]]
    return sum(1 for v in values if guess_code(canonical, v)) / max(1, len(values))


def known_value_maps(config_dir: Path | None) -> dict[str, dict[str, tuple[str, str]]]:
    """Words existing source configs already map: canonical -> lower-cased word ->
    (code, config file name). Read leniently: a broken config is skipped."""
    known: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    if config_dir is None:
        return known
    for path in sorted(Path(config_dir, "sources").glob("*.y*ml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        exports = raw.get("exports") if isinstance(raw, dict) else None
        for export in exports if isinstance(exports, list) else []:
            for kind in KINDS:
                section = export.get(kind) if isinstance(export, dict) else None
                maps = section.get("value_maps") if isinstance(section, dict) else None
                for canonical, mapping in (maps or {}).items() if isinstance(maps, dict) else ():
                    if isinstance(mapping, dict):
                        for word, code in mapping.items():
                            known[str(canonical)].setdefault(
                                str(word).strip().lower(), (str(code), path.name)
                            )
    return known


_ORG_NOISE = {
    "qa",
    "team",
    "quality",
    "the",
    "ltd",
    "gmbh",
    "sa",
    "inc",
    "bpo",
    "group",
    "services",
    "servicos",
    "support",
    "contact",
    "centre",
    "center",
    "evaluation",
}


def _org_tokens(word: str) -> set[str]:
    return {t for t in normalise(word).split() if t not in _ORG_NOISE and len(t) > 2}


def value_map_guesses(
    name: str, values: Sequence[str], known: dict[str, tuple[str, str]] | None = None
) -> dict[str, tuple[str | None, str]]:
    """Source word -> (canonical code or None, why) for a value_maps skeleton.

    A word another source config already maps keeps that code; else the vocabulary of
    ``guess_code``; for evaluator_org, a word sharing a name with a team another config
    maps (``Northwind QA`` ~ ``Northwind``) takes its code, and with two words the other
    one then takes the opposite code.
    """
    known = known or {}
    found: dict[str, tuple[str | None, str]] = {}
    for value in values:
        word = value.strip().lower()
        if word in known:
            found[value] = (known[word][0], f"as in {known[word][1]}")
        elif code := guess_code(name, value):
            found[value] = (code, "")
        else:
            found[value] = (None, "")
    if name == "evaluator_org":
        for value in values:
            if found[value][0]:
                continue
            for word, (code, source) in known.items():
                if _org_tokens(value) & _org_tokens(word):
                    found[value] = (code, f"? like '{word}' in {source}")
                    break
        if len(values) == 2:
            first, second = values
            for this, other in ((first, second), (second, first)):
                if found[this][0] is None and found[other][0]:
                    opposite = "own" if found[other][0] == "client" else "client"
                    found[this] = (opposite, f"? the other team is {found[other][0]}")
    return found


def value_map_entry(
    name: str, guess: ColumnGuess, known: dict[str, tuple[str, str]] | None = None
) -> Entry | None:
    values = [v for v, _ in guess.top[:MAX_CODES]]
    counts = dict(guess.top)
    codes = CODE_VALUES[name]
    if all(v.strip().lower() in codes for v in values):
        return Entry(
            None,
            comment=f"{name}: the values are canonical codes already "
            f"({', '.join(values[:6])}): no map needed",
        )
    mapping = Block()
    guessed = 0
    guesses = value_map_guesses(name, values, known)
    for value in values:
        code, why = guesses[value]
        if code:
            guessed += 1
            mapping.append(
                Entry(
                    value,
                    Raw(code),
                    f"{plural(counts[value], 'row')}" + (f"; {why}" if why else ""),
                )
            )
        else:
            mapping.append(
                Entry(
                    value,
                    Raw("?"),
                    f"{plural(counts[value], 'row')}; no guess: one of {', '.join(codes)}",
                    off=True,
                )
            )
    if guess.distinct > MAX_CODES:
        mapping.append(
            Entry(
                None,
                comment=f"... and {count_text(guess.distinct - MAX_CODES)} more "
                "values not listed: map them or they are rejected",
            )
        )
    note = f"{plural(guess.distinct, 'distinct value')} in {guess.name}"
    if name == "contact_reason":
        note += "; codes from settings.yaml ingest.contact_reasons"
    if name == "evaluator_org":
        note += "; own = the centre's QA team, client = the client's"
    return Entry(name, mapping, note, off=not guessed)
