"""Masking identifier-like tokens in text kept for people to read (rejects).

Identifier columns are hashed as they are staged (identifiers.py), but a rejected row's
other values, a malformed row whose fields are shifted (an extra or missing delimiter
moves the phone number into another column) and a reason quoting an offending value can
still hold a phone number or an e-mail address. Before such text is stored, every token
that looks like one is replaced by ``[phone]`` or ``[e-mail]``:

- e-mail: non-blank characters around an ``@`` (up to a delimiter, quote or bracket);
- phone: an optional ``+``, then at least 9 digits, each group separated by at most two
  of `` ().-`` (``07700 900123``, ``+44 (0)7700 900123``, ``0770-090-0123``), not glued
  to a letter or digit, and not followed by ``:`` so that a timestamp's date and hour
  (``2026-10-05 14:03``, 10 digits) is no phone. A bare number of 9 or more digits (an
  id) is masked too: a reject may show less, never a customer's number.

Account numbers have no shape to recognise: only their own column is hashed.
"""

from __future__ import annotations

# what stands for a value of an identifier type
MASKS = {"phone": "[phone]", "email": "[e-mail]", "account": "[account]"}
# (RE2 patterns, SQL string literals: constants of this module, never user input)
EMAIL_PATTERN = r"""[^\s@,;|"'<>()\[\]]+@[^\s@,;|"'<>()\[\]]+"""
PHONE_PATTERN = r"(^|[^0-9+])(\+?[0-9](?:[ ().-]{0,2}[0-9]){8,})($|[^0-9:])"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def masked_sql(text_sql: str) -> str:
    """SQL masking phone- and e-mail-like tokens in a VARCHAR expression.

    The phone pattern consumes the character on each side, so two numbers one character
    apart need a second pass (the first one's ``[phone]`` then bounds the second).
    """
    emails = f"regexp_replace({text_sql}, {_literal(EMAIL_PATTERN)}, '[e-mail]', 'g')"
    phones = emails
    for _ in range(2):
        phones = f"regexp_replace({phones}, {_literal(PHONE_PATTERN)}, '\\1[phone]\\3', 'g')"
    return phones
