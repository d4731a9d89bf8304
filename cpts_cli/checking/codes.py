"""The registry of finding codes: every code the tool can emit is declared here once.

Codes are ``CPTS-`` + one letter per area + 3 digits. A code is never reused; a renamed
rule keeps its code. ``docs/codes.md`` is generated from this registry
(``python -m cpts_cli.checking.docs_codes``) and a test fails when it is stale.
"""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass

from cpts_cli.checking.findings import Finding, Severity

AREAS = {
    "Y": "Lecture du fichier YAML",
    "S": "Schéma du fichier",
    "G": "Généralités et suivi des étapes",
    "T": "Étape 1 — territoire",
    "M": "Étape 2 — mobilisation des acteurs",
    "D": "Étape 3 — diagnostic",
    "P": "Étape 4 — problématiques prioritaires",
    "L": "Étape 5 — lettre d'intention",
    "R": "Étape 6 — présentation du projet",
    "H": "Étape 7 — projet de santé",
    "V": "Étape 8 — validation et contrat ACI",
    "E": "Étape 9 — mise en œuvre",
    "X": "Vérifications entre plusieurs fichiers",
    "A": "Import des acteurs",
}

_CODE_RE = re.compile(r"^CPTS-[A-Z][0-9]{3}$")


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str
    template: str
    doc: str = ""
    step: str | None = None

    @property
    def area(self) -> str:
        return self.code[5]

    def make(
        self,
        path: str,
        line: int,
        column: int,
        *,
        file: str = "",
        severity: Severity | None = None,
        **values: object,
    ) -> Finding:
        return Finding(
            severity=severity or self.severity,
            code=self.code,
            path=path,
            line=line,
            column=column,
            message=self.template.format(**{k: _shortened(v) for k, v in values.items()}),
            file=file,
            step=self.step,
        )


def _shortened(value: object) -> object:
    """A value quoted in a message, cut when it is very long (a 5 000-character « code »
    made a line nobody could read)."""
    from cpts_cli.support.formatting import shortened

    return shortened(value) if isinstance(value, str) else value


REGISTRY: dict[str, Code] = {}


def define(
    code: str,
    severity: Severity | str,
    title: str,
    template: str,
    doc: str = "",
    step: str | None = None,
) -> Code:
    if not _CODE_RE.match(code):
        raise ValueError(f"bad finding code {code!r}")
    if code in REGISTRY:
        raise ValueError(f"finding code {code} defined twice")
    if code[5] not in AREAS:
        raise ValueError(f"unknown area in {code}")
    entry = Code(code, Severity(severity), title, template, inspect.cleandoc(doc or ""), step)
    REGISTRY[code] = entry
    return entry


#: Modules that declare codes; importing them fills the registry.
_DECLARING_MODULES = (
    "cpts_cli.project.load",
    "cpts_cli.checking.schema",
    "cpts_cli.checking.check",
    "cpts_cli.checking.rules.crossfile",
    "cpts_cli.checking.rules",
    "cpts_cli.actors.importing.codes",
    "cpts_cli.documents.sanitize",
)


def all_codes() -> list[Code]:
    for name in _DECLARING_MODULES:
        importlib.import_module(name)
    return [REGISTRY[c] for c in sorted(REGISTRY)]
