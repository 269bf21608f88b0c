"""Text from exports, configs or the URL, shown as itself and nothing more.

Every value the app did not write itself (centre and vendor names, reasons, queues,
agent ids, comments, file names, reject reasons, URL values) goes through one of these
before it reaches an element that interprets its text:

- ``md_text``: inside Streamlit's markdown elements (st.caption, st.info, headers,
  widget labels ...): no link, image, emphasis, heading, emoji, typography or directive.
- ``literal``: the same, as a code span, for a value the user typed (a URL value).
- ``html_text``: inside HTML the app writes (the scorecard, the review pack).

All three make the text one line (CR/LF and tabs become spaces, so nothing can start a
heading or end an HTML block), drop NUL and the bidirectional controls that would
reorder the surrounding words (Trojan-source style), and cut very long values with a
marker saying how much was cut. st.dataframe, st.text, chart tooltips and option labels
show text as text and need none of this.
"""

from __future__ import annotations

import re
from html import escape

DISPLAY_LIMIT = 200  # characters shown of one value; the rest is cut with a marker
# the app's own sentences (metric definitions, the list of gaps) escaped but not cut short
APP_TEXT_LIMIT = 4000
WORD_JOINER = "\u2060"  # invisible, zero width: breaks a token without showing
# NUL, other C0/C1 controls and the bidi embedding/override/isolate characters
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# CommonMark lets any ASCII punctuation be escaped with a backslash; Streamlit's own
# directives (:red[...], :material/icon:, $math$) are built from punctuation too.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def one_line(text: object, limit: int = DISPLAY_LIMIT) -> str:
    """``text`` on one line without control characters, cut to ``limit`` with a marker."""
    flat = " ".join(_CONTROLS.sub("", str(text)).split())
    if len(flat) <= limit:
        return flat
    return f"{flat[:limit]}… [cut: {len(flat) - limit:,} characters]"


def shortened(text: object, limit: int = 2000) -> str:
    """``text`` for st.text, which shows it as typed (line breaks kept): control
    characters dropped and a very long value cut with the same marker."""
    kept = _CONTROLS.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    if len(kept) <= limit:
        return kept
    return f"{kept[:limit]}… [cut: {len(kept) - limit:,} characters]"


def md_text(text: object, limit: int = DISPLAY_LIMIT) -> str:
    """``text`` for a markdown element, shown exactly as written.

    A backslash escape alone is not enough: Streamlit's emoji (``:smile:``),
    typography (``->``) and autolink (``www.``) plugins act on the text after escapes
    are read. An invisible word joiner after each punctuation character breaks those
    tokens too.
    """
    return _PUNCTUATION.sub(rf"\\\1{WORD_JOINER}", one_line(text, limit))


def literal(text: object, limit: int = 80) -> str:
    """``text`` as a markdown code span: shown as typed, in the code font.

    Nothing is interpreted inside a code span except ``:material/``, which Streamlit
    rewrites before parsing; a word joiner keeps it as typed.
    """
    flat = one_line(text, limit).replace(":material/", f":material{WORD_JOINER}/")
    longest = max((len(run) for run in re.findall("`+", flat)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space on each side of a code span's content.
    return f"{fence} {flat} {fence}"


def html_text(text: object, limit: int = DISPLAY_LIMIT) -> str:
    """``text`` for HTML the app writes: escaped (quotes too, for attributes)."""
    return escape(one_line(text, limit), quote=True)
