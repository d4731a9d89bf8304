"""Markdown → DOCX: markdown-it-py tokens written with python-docx on a reference document.

The reference document (``templates/reference.docx``, or the user's ``--modele-docx``)
carries the styles, page set-up, headers and footers; its body is replaced by the content.
What the Markdown says maps to real Word structure: ``#``/``##``/``###`` to the built-in
Heading 1–3 styles, lists to numbered paragraphs (each numbered list restarting at 1),
tables to Word tables with a repeated header row, images to inline pictures with a caption.
Our own markers (``<!-- saut-de-page -->``, ``<!-- table-des-matieres -->``, ``<mark>``)
give page breaks, the table of contents field and highlighted placeholders.

Where each part lives:

- :mod:`.writer`: the document opened on its styles, and the primitives (paragraph, run,
  field, link, picture) with what was written last;
- :mod:`.blocks`: the token stream, one handler per block token type (dispatch table);
- :mod:`.inline`: an inline token's runs, one handler per inline token type;
- :mod:`.tables`: tables and their column widths;
- :mod:`.frame`: cover page, table of contents, headers and footers, properties, bytes;
- :mod:`.styles`, :mod:`.numbering`: styles (French, copied into a Word model that lacks
  them) and list definitions;
- :mod:`.package`: reference document, Word model, reproducible archive, settings;
- :mod:`.markdown`: front matter, parser, plain text of tokens; :mod:`.ooxml`: elements.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cpts_cli.documents.word.blocks import render
from cpts_cli.documents.word.frame import TOC_NOTE, finish
from cpts_cli.documents.word.markdown import is_numeric_text, parser, split_front_matter
from cpts_cli.documents.word.meta import DocumentMeta
from cpts_cli.documents.word.package import (
    FIXED_ZIP_DATE,
    normalise_zip,
    reference_bytes,
    write_app_properties,
)
from cpts_cli.documents.word.styles import (
    LANG,
    STYLE_LABELS,
    USED_STYLES,
    missing_styles_warning,
    set_french,
)
from cpts_cli.documents.word.writer import Writer

__all__ = [
    "FIXED_ZIP_DATE",
    "LANG",
    "STYLE_LABELS",
    "TOC_NOTE",
    "USED_STYLES",
    "DocumentMeta",
    "build_docx",
    "is_numeric_text",
    "missing_styles_warning",
    "normalise_zip",
    "parser",
    "reference_bytes",
    "set_french",
    "split_front_matter",
    "write_app_properties",
]


def build_docx(
    markdown: str,
    meta: DocumentMeta,
    *,
    model: Path | None = None,
    images: Callable[[str], bytes | None] | None = None,
    warnings: list[str] | None = None,
    missing_styles: list[str] | None = None,
) -> bytes:
    """The DOCX bytes for ``markdown`` (front matter already removed).

    The styles a Word model (``model``) lacks, and that ours replaced, are added to
    ``missing_styles`` when given (several documents: one warning for all, see
    :func:`missing_styles_warning`), else said in ``warnings``.
    """
    writer = Writer(meta, model=model, images=images)
    render(writer, markdown)
    data = finish(writer)
    missing = writer.styles.missing_used()
    if warnings is not None:
        warnings.extend(w for w in writer.model_warnings if w not in warnings)
    if missing_styles is not None:
        missing_styles.extend(n for n in missing if n not in missing_styles)
    elif missing and warnings is not None:
        warnings.append(missing_styles_warning(missing))
    return data
