"""``schema`` and ``guide``: what the tool knows, printed."""

from __future__ import annotations

import typer

from cpts_cli.cli.common import FORMAT_OPTION, QUIET_OPTION, OutputFormat, console, print_json
from cpts_cli.cli.completion import complete_step
from cpts_cli.workflow.steps import STEP_IDS


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
    app.command("guide")(guide)


def schema(quiet: bool = QUIET_OPTION) -> None:
    """Afficher le schéma JSON (draft 2020-12) du fichier projet."""
    import sys

    from cpts_cli.support.resources import schema_text

    sys.stdout.write(schema_text())


def guide(
    etape: str | None = typer.Argument(
        None,
        help="Étape à expliquer : " + ", ".join(STEP_IDS) + " (ou son numéro).",
        autocompletion=complete_step,
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = typer.Option(False, "-q", "--quiet", help="N'afficher que ce qu'il faut faire."),
) -> None:
    """Expliquer une étape : quoi faire, qui contacter, quel financement, ce qui est vérifié."""
    from cpts_cli.workflow.guide import guide_data

    data = guide_data(etape)
    if fmt is OutputFormat.json:
        print_json(data)
        return
    from rich.markdown import Markdown

    if quiet and data.get("etape") is not None:
        data = {
            k: v
            for k, v in data.items()
            if k
            not in ("contacts", "financement", "conseils", "verifications", "commandes", "resume")
        }
    console(wrap=True).print(Markdown(_as_markdown(data)))


def _as_markdown(data: dict) -> str:
    if data.get("etape") is None:
        lines = ["# Créer une CPTS en 9 étapes", "", data["introduction"], ""]
        for s in data["etapes"]:
            lines.append(f"{s['numero']}. **{s['libelle']}** — `cpts guide {s['id']}`")
        return "\n".join(lines)
    lines = [f"# Étape {data['numero']} — {data['libelle']}", "", data.get("resume", ""), ""]
    sections = (
        ("a_faire", "Ce qu'il faut faire"),
        ("contacts", "Qui contacter"),
        ("financement", "Financement"),
        ("conseils", "Conseils"),
        ("verifications", "Ce que cpts vérifie"),
        ("commandes", "Commandes utiles"),
    )
    for key, title in sections:
        items = data.get(key) or []
        if not items:
            continue
        lines += [f"## {title}", ""]
        for item in items:
            lines.append(f"- `{item}`" if key == "commandes" else f"- {item}")
        lines.append("")
    return "\n".join(lines)
