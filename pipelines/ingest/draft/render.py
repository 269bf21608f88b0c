"""Writing the draft as commented YAML: entries (keys with a value and a comment, or
comment lines), each comment aligned, suggestions commented out."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml


class Raw(str):
    """A YAML scalar written as it is (a canonical code, a number)."""


class Quoted(str):
    """A string always written in quotes (flag words: YAML would read Y, no, 1 as
    booleans and numbers)."""


class Block(list):
    """A nested block mapping: a list of Entry."""


class Items(list):
    """A block sequence: Block items, or (inline value, comment) pairs."""


@dataclass
class Entry:
    key: str | None  # None: a comment line (or a blank line without a comment)
    value: Any = None  # an inline value, a Block or Items
    comment: str = ""
    off: bool = False  # written commented out (a suggestion)


COMMENT_COLUMN = 44
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*(?: [A-Za-z0-9_.\-]+)*")
_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}


def yaml_scalar(text: str) -> str:
    """A string as a YAML scalar: plain when that reads back as the same string, else
    double-quoted (JSON string syntax is valid YAML)."""
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    if '"' in text and "'" not in text and text.isprintable():
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)


def yaml_inline(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, Quoted):
        return json.dumps(str(value), ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, str):
        return yaml_scalar(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{yaml_scalar(str(k))}: {yaml_inline(v)}" for k, v in value.items())
            + "}"
        )
    raise TypeError(f"cannot write {value!r} inline")


def _line(text: str, comment: str) -> str:
    if not comment:
        return text
    comment = " ".join(comment.split())
    return (
        f"{text:<{COMMENT_COLUMN}}  # {comment}"
        if len(text) < COMMENT_COLUMN
        else f"{text}  # {comment}"
    )


def _emit(entries: Iterable[Entry], indent: int, out: list[str], within_off: bool = False) -> None:
    pad = " " * indent
    for entry in entries:
        off = entry.off and not within_off
        inner_off = within_off or entry.off
        start = len(out)
        if entry.key is None:
            out.append(f"{pad}# {' '.join(entry.comment.split())}" if entry.comment else "")
        elif isinstance(entry.value, Block):
            out.append(_line(f"{pad}{yaml_scalar(entry.key)}:", entry.comment))
            _emit(entry.value, indent + 2, out, inner_off)
        elif isinstance(entry.value, Items):
            out.append(_line(f"{pad}{yaml_scalar(entry.key)}:", entry.comment))
            for item in entry.value:
                if isinstance(item, Block):
                    nested: list[str] = []
                    _emit(item, indent + 4, nested, inner_off)
                    nested[0] = f"{pad}  - {nested[0][indent + 4 :]}"
                    out.extend(nested)
                else:
                    value, comment = item
                    out.append(_line(f"{pad}  - {yaml_inline(value)}", comment))
        else:
            out.append(
                _line(f"{pad}{yaml_scalar(entry.key)}: {yaml_inline(entry.value)}", entry.comment)
            )
        if off:
            for index in range(start, len(out)):
                text = out[index]
                body = text.lstrip(" ")
                if body:
                    out[index] = text[: len(text) - len(body)] + "# " + body


def render_yaml(entries: Sequence[Entry], preamble: Sequence[str] = ()) -> str:
    """The document: comment lines, then the entries (checked to read back as YAML)."""
    out = [f"# {line}" if line else "#" for line in preamble]
    _emit(entries, 0, out)
    text = "\n".join(out) + "\n"
    yaml.safe_load(text)  # raises on a bug in the writer, never on the user's data
    return text
