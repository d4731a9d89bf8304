"""Characters a Word document cannot hold, removed from the project's text before rendering.

XML 1.0 (the format inside a .docx) forbids most control characters. YAML lets a user write
them (``"\\x07"`` in a double-quoted string, or pasted from another program): they are
removed, and each text that lost some gets a finding pointing at its line, never a crash.
This module is light (no Jinja, no python-docx): the code registry imports it.
"""

from __future__ import annotations

import math
import re
from typing import Any

from cpts_cli.checking.codes import define
from cpts_cli.checking.findings import Finding
from cpts_cli.project.positions import locate, pointer

Y_CONTROL_CHARS = define(
    "CPTS-Y012",
    "warning",
    "Caractère de contrôle retiré des documents",
    "Caractère invisible retiré du texte dans les documents ({detail}) : il ne peut pas "
    "figurer dans un fichier Word.",
    """
    Les caractères de contrôle (code inférieur à 32 hors tabulation et retour à la ligne,
    caractères C1, U+FFFE, U+FFFF…) ne peuvent pas être écrits dans un document Word. Ils
    viennent souvent d'un copier-coller depuis un autre logiciel ou d'une séquence `\\x07`
    entre guillemets. `cpts render` les retire et signale le texte concerné.

    Incorrect : `justification: "Bassin de vie\\x0b des patients"`.
    Correct : `justification: "Bassin de vie des patients"`.
    """,
)

#: Not allowed in XML 1.0, or control characters with no meaning in a document.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    return _FORBIDDEN.sub("", text)


def has_forbidden(text: str) -> bool:
    return _FORBIDDEN.search(text) is not None


def _describe(chars: list[str]) -> str:
    shown = sorted({f"U+{ord(c):04X}" for c in chars})
    return ", ".join(shown[:5]) + (" …" if len(shown) > 5 else "")


def sanitize(plain: Any, where: Any = None, file: str = "") -> tuple[Any, list[Finding]]:
    """A copy of ``plain`` without forbidden characters, and one finding per cleaned text.

    ``where`` finds the line of each text: a function ``pointer -> (line, column)`` (such as
    ``ProjectDocument.locate``) or a round-trip tree.
    """
    findings: list[Finding] = []

    def walk(value: Any, parts: tuple) -> Any:
        if isinstance(value, str):
            found = _FORBIDDEN.findall(value)
            if not found:
                return value
            ptr = pointer(*parts)
            if where is None:
                line, col = (0, 0)
            elif callable(where):
                line, col = where(ptr)
            else:
                line, col = locate(where, ptr)
            findings.append(
                Y_CONTROL_CHARS.make(ptr, line, col, file=file, detail=_describe(found))
            )
            return _FORBIDDEN.sub("", value)
        if isinstance(value, dict):
            return {clean_text(str(k)): walk(v, (*parts, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, (*parts, i)) for i, v in enumerate(value)]
        if isinstance(value, float) and not math.isfinite(value):
            return None  # .inf, .nan: no figure (CPTS-S007 says so); a draft shows « à compléter »
        return value

    return walk(plain, ()), findings
