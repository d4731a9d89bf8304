"""The Markdown side: front matter, the markdown-it parser, and plain text of tokens."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from cpts_cli.documents.environment import MARK_CLOSE, MARK_OPEN

WORD = re.compile(r"\S+")


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """``---`` block of ``key: <JSON value>`` lines at the top of the Markdown, and the rest."""
    import json

    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        return {}, text
    meta: dict[str, object] = {}
    for line in text[4:end].splitlines():
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            continue
        try:
            meta[key.strip()] = json.loads(value.strip())
        except ValueError:
            meta[key.strip()] = value.strip()
    return meta, text[end + 5 :]


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")


def inline_text(token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(image_alt(child))
        elif child.type == "html_inline" and child.content not in (MARK_OPEN, MARK_CLOSE):
            parts.append(child.content)
    return "".join(parts)


def image_alt(token) -> str:
    """An image's alternative text (markdown-it keeps it in ``content``)."""
    return token.content or token.attrGet("alt") or ""


_NUMERIC = re.compile(r"^[−+\-]?\d[\d\s\u00a0\u202f]*(?:[,.]\d+)?\s*(?:%|€|k€|‰)?$")


def is_numeric_text(text: str) -> bool:
    return bool(_NUMERIC.match(text.strip()))
