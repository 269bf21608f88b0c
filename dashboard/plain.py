"""Text from exports, configs or the URL shown as itself inside Streamlit's markdown
elements (st.warning, st.info, st.caption ...), never interpreted as markdown."""

from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be escaped with a backslash; Streamlit's own
# directives (:red[...], :material/icon:, $math$) are built from punctuation too.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md_escape(text: object) -> str:
    """``text`` with every markdown-active character escaped; line breaks become spaces."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
