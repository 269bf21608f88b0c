"""Free-text survey comments that fit the score.

Some start with ``=``, ``+``, ``-`` or ``@`` as real comments do (a spreadsheet would
read them as formulas), some hold commas and quotes, and the Lisbon set has accented
text that exists in Latin-1 (no characters outside it, such as the euro sign or curly
quotes, since that file is written in Latin-1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

POSITIVE, NEUTRAL, NEGATIVE = 0, 1, 2

_ENGLISH = {
    POSITIVE: [
        "Very helpful, sorted it first time",
        "Friendly and quick, thank you",
        "The advisor explained my bill clearly",
        "Great service",
        "Really patient with me, much appreciated",
        "+1 for the lady who helped me",
        "=) lovely person, fixed everything",
        "Quick and easy, no fuss",
        'She said "leave it with me" and actually called back!',
        "Knew exactly what to do",
    ],
    NEUTRAL: [
        "OK but took a while to get through",
        "Fine, nothing special",
        "Got there in the end",
        "Had to explain twice, but resolved",
        "Hold music is awful, otherwise ok",
        "@Northwind your app should do this",
        "Reasonable, though the wait was long",
    ],
    NEGATIVE: [
        "Still not fixed, third time calling",
        "Was cut off and nobody called back",
        "Could not understand my problem",
        "-1, rushed me off the phone",
        "Told one thing, then another",
        "Reading from a script, didn't listen",
        "=(  waste of an hour",
        "Want to cancel, they made it really hard",
        '"Resolved"? No, it is not.',
        "@Northwind please call me, nobody else will",
        "Overcharged again, £40 this time",
    ],
}

# Lisbon's customers are UK customers too, but its CRM also keeps the agents' notes in
# Portuguese, and names and the pound sign carry non-ASCII Latin-1 characters.
_LISBON = {
    POSITIVE: [
        "José was brilliant, thank you",
        "Très bien, very quick",
        "Excelente atendimento, obrigado!",
        "Inês sorted my direct debit in two minutes",
        "Great service",
        "+1 friendly and clear",
        "Quick and easy, no fuss",
    ],
    NEUTRAL: [
        "OK, but I had to spell my name twice (Zoë)",
        "Atendimento razoável, demorou um pouco",
        "Fine, nothing special",
        "@Northwind the web form didn't work",
        "Got there in the end",
    ],
    NEGATIVE: [
        "Não resolveram o problema",
        "Still charged £25 after moving out",
        "-2 stars, they hung up on me",
        "=  nobody could explain the bill",
        "Could not understand my problem",
        "Muito demorado, péssimo serviço",
    ],
}

COMMENTS = {"en": _ENGLISH, "lisbon": _LISBON}


def sentiment_of(csat_normalised: np.ndarray, satisfied: np.ndarray) -> np.ndarray:
    """Positive when satisfied, negative at 2.5 or below on the 1-5 scale, else neutral."""
    return np.select([satisfied, csat_normalised <= 2.5], [POSITIVE, NEGATIVE], NEUTRAL)


def pick_comments(sentiment: np.ndarray, language: str, rng: np.random.Generator) -> pd.Series:
    """One comment per row matching its sentiment (vectorised per sentiment)."""
    texts = np.full(len(sentiment), "", dtype=object)
    for mood, options in COMMENTS[language].items():
        rows = np.flatnonzero(sentiment == mood)
        texts[rows] = np.array(options, dtype=object)[rng.integers(0, len(options), len(rows))]
    return pd.Series(texts, dtype="str")
