"""What a document says about itself: cover page, headers, properties."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field


@dataclass
class DocumentMeta:
    """What the cover page, headers and document properties say."""

    title: str
    organisation: str
    subtitle: str = ""
    version: str = ""
    date_text: str = ""
    created: _dt.datetime | None = None
    draft: bool = False
    draft_note: str = ""
    toc: bool = False
    subject: str = ""
    keywords: str = ""
    cover_lines: list[str] = field(default_factory=list)
    #: A cover page (reports); a letter starts on its first page.
    cover: bool = True
