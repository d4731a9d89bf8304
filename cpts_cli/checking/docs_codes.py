"""Generate ``docs/codes.md`` from the code registry: ``python -m cpts_cli.checking.docs_codes``."""

from __future__ import annotations

import sys
from pathlib import Path

from cpts_cli.checking.codes import AREAS, all_codes
from cpts_cli.workflow.steps import STEP_BY_ID

_SEVERITY_FR = {"error": "erreur", "warning": "avertissement", "info": "information"}


def render() -> str:
    codes = all_codes()
    lines = [
        "# Codes des problèmes signalés par `cpts`",
        "",
        "<!-- Fichier généré par « python -m cpts_cli.checking.docs_codes » : ne pas modifier à la "
        "main. -->",
        "",
        "Chaque problème trouvé dans un fichier projet porte un code stable : `CPTS-`, une "
        "lettre par domaine et trois chiffres. Un code n'est jamais réutilisé. La gravité est "
        "celle par défaut ; `cpts validate --strict` compte aussi les avertissements comme "
        "des erreurs.",
        "",
        "| code | gravité | étape | titre |",
        "|---|---|---|---|",
    ]
    for code in codes:
        step = STEP_BY_ID[code.step].label if code.step else "—"
        lines.append(
            f"| [{code.code}](#{code.code.lower()}) | "
            f"{_SEVERITY_FR[code.severity.value]} | {step} | {code.title} |"
        )
    lines.append("")
    current_area = None
    for code in codes:
        if code.area != current_area:
            current_area = code.area
            lines += [f"## {AREAS[current_area]}", ""]
        lines += [
            f"### {code.code}",
            "",
            f"**{code.title}** — {_SEVERITY_FR[code.severity.value]}.",
            "",
            f"Message : « {code.template} »",
            "",
        ]
        if code.doc:
            lines += [code.doc, ""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/codes.md")
    target.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
