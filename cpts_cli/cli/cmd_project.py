"""``init``, ``status``, ``validate``, ``next``: the project file through the 9 steps."""

from __future__ import annotations

from pathlib import Path

import typer

from cpts_cli.cli.common import (
    FILE_ARGUMENT,
    FORMAT_OPTION,
    QUIET_OPTION,
    WRITTEN_FILE_ARGUMENT,
    OutputFormat,
    check_choice,
    console,
    is_interactive,
    print_json,
    project_files,
)
from cpts_cli.cli.completion import complete_step
from cpts_cli.support.formatting import counted
from cpts_cli.workflow.steps import STEP_IDS

STEP_HELP = "Identifiant d'étape : " + ", ".join(STEP_IDS) + "."


def _check_step_id(value: str | None) -> str | None:
    if value is not None:
        check_choice(value, STEP_IDS, "étape inconnue", STEP_HELP)
    return value


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("status")(status)
    app.command("validate")(validate)
    app.command("next")(next_step)


COMMUNES_HELP = (
    "Codes INSEE ou noms de communes, séparés par des virgules (« 74010, Saint Jorioz »)."
)
EPCI_HELP = "SIREN ou noms d'intercommunalités, séparés par des virgules (« Grand Lyon »)."


def init(
    dossier: Path = typer.Argument(Path("."), help="Dossier où créer cpts.yaml.", file_okay=False),
    no_input: bool = typer.Option(
        False, "--no-input", help="Ne rien demander : tout vient des options."
    ),
    nom: str | None = typer.Option(None, "--nom", help="Nom de la CPTS."),
    porteur: str | None = typer.Option(None, "--porteur", help="Nom du porteur du projet."),
    email: str | None = typer.Option(None, "--email", help="Courriel du porteur."),
    telephone: str | None = typer.Option(None, "--telephone", help="Téléphone du porteur."),
    profession: str | None = typer.Option(
        None, "--profession", help="Profession du porteur (ex. medecin_generaliste)."
    ),
    communes: str | None = typer.Option(None, "--communes", help=COMMUNES_HELP),
    epci: str | None = typer.Option(None, "--epci", help=EPCI_HELP),
    exemple: str | None = typer.Option(
        None,
        "--exemple",
        help="Écrire un exemple complet (« --exemple '' » ou « --exemple liste » pour la liste).",
        show_default=False,
    ),
    force: bool = typer.Option(False, "--force", help="Remplacer un cpts.yaml existant."),
    quiet: bool = QUIET_OPTION,
) -> None:
    """Créer un fichier projet cpts.yaml commenté (ou un exemple complet)."""
    from cpts_cli.workflow import scaffold

    out = console()
    if exemple is not None:
        if exemple in ("", "liste"):
            out.print("[bold]Exemples disponibles[/] (cpts init --exemple NOM) :")
            for ex in scaffold.examples():
                out.print(f"  [cyan]{ex.name}[/] — {ex.description}")
            return
        target = scaffold.write_new(dossier, scaffold.example_text(exemple), force)
        if not quiet:
            out.print(f"Exemple « {exemple} » écrit dans [bold]{target}[/].")
            out.print(f"Ensuite : cpts status {target}")
        return
    answers = {
        "nom": nom,
        "porteur": porteur,
        "email": email,
        "telephone": telephone,
        "profession": profession,
        "communes": _split(communes),
        "epci": _split(epci),
    }
    if not no_input:
        if not is_interactive():
            from cpts_cli.support.errors import CptsError

            raise CptsError(
                "Pas de terminal pour poser les questions : relancez avec --no-input et les "
                "options (--nom, --porteur, --email, --communes…), ou dans un terminal."
            )
        from cpts_cli.cli.prompts import ask_init, choose_place

        answers = ask_init(answers)
    _validate_init(answers, None if no_input else choose_place)
    text = scaffold.new_project_text(
        answers["nom"],
        answers.get("porteur") or "",
        answers.get("email"),
        answers.get("telephone"),
        answers.get("profession"),
        answers.get("communes"),
        answers.get("epci"),
    )
    target = scaffold.write_new(dossier, text, force)
    if not quiet:
        out.print(f"Fichier projet créé : [bold]{target}[/].")
        out.print(
            "Ouvrez-le dans un éditeur de texte, puis : cpts status"
            + ("" if str(dossier) == "." else f" {target}")
        )


def _split(value: str | None) -> list[str]:
    from cpts_cli.territory.names import split_entries

    return split_entries(value)


def _validate_init(answers: dict, choose=None) -> None:
    from cpts_cli.fill.validators import check_commune, check_email, check_epci, check_profession

    if not answers.get("nom") or not str(answers["nom"]).strip():
        raise typer.BadParameter("le nom de la CPTS est obligatoire.", param_hint="'--nom'")
    from cpts_cli.territory.names import COMMUNES, EPCI, codes_for

    said = []
    for key, which in (("communes", COMMUNES), ("epci", EPCI)):
        if answers.get(key):
            answers[key], understood = codes_for(answers[key], which, choose)
            said.extend(understood)
    from rich.markup import escape

    from cpts_cli.cli.reporters import visible

    for line in said:
        console(stderr=True).print(escape(visible(line)))
    for code in answers.get("communes") or []:
        problem = check_commune(code)
        if problem:
            raise typer.BadParameter(problem, param_hint="'--communes'")
    for siren in answers.get("epci") or []:
        problem = check_epci(siren)
        if problem:
            raise typer.BadParameter(problem, param_hint="'--epci'")
    if answers.get("email"):
        problem = check_email(answers["email"])
        if problem:
            raise typer.BadParameter(problem, param_hint="'--email'")
    if answers.get("profession"):
        problem = check_profession(answers["profession"])
        if problem:
            raise typer.BadParameter(problem, param_hint="'--profession'")


def validate(
    fichiers: list[Path] | None = typer.Argument(
        None, help="Fichiers projet ou dossiers (défaut : cpts.yaml)."
    ),
    etape: str | None = typer.Option(
        None,
        "--etape",
        help="Vérifier jusqu'à cette étape. " + STEP_HELP,
        callback=_check_step_id,
        autocompletion=complete_step,
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Les avertissements comptent comme des erreurs."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Vérifier un ou plusieurs fichiers projet : schéma et règles du domaine."""
    from cpts_cli.checking.check import check_paths, reports_to_dict
    from cpts_cli.cli.reporters import print_findings

    reports = check_paths(project_files(fichiers), etape=etape, strict=strict)
    if fmt is OutputFormat.json:
        print_json(reports_to_dict(reports))
    else:
        print_findings(console(), reports, quiet=quiet)
    raise typer.Exit(exit_code(reports))


def exit_code(reports) -> int:
    if any(not r.parsed for r in reports):
        return 2
    return 0 if all(r.valid for r in reports) else 1


STATUS_LABEL = {
    "terminee": "[green]✔ terminée[/]",
    "en_cours": "[bold yellow]▶ en cours[/]",
    "a_faire": "[dim]· à faire[/]",
}


def status(
    fichier: Path = FILE_ARGUMENT,
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Où en est le projet : les 9 étapes, ce qui manque, la prochaine action."""
    from cpts_cli.checking.check import check_path
    from cpts_cli.workflow.status import status_to_dict

    report = check_path(fichier)
    data = status_to_dict(report)
    if fmt is OutputFormat.json:
        print_json(data)
        raise typer.Exit(2 if not report.parsed else 0 if report.valid else 1)
    out = console()
    if not report.parsed or not report.steps:
        from cpts_cli.cli.reporters import print_findings

        print_findings(out, [report])
        raise typer.Exit(2 if not report.parsed else 1)
    _print_status(out, report, data, quiet)
    raise typer.Exit(0 if report.valid else 1)


def _print_status(out, report, data, quiet: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    from cpts_cli.cli.reporters import finding_line

    nom = data.get("cpts") or report.file
    if not quiet:
        table = Table(title=f"{escape(str(nom))} — {escape(report.file)}", title_justify="left")
        table.add_column("N°", justify="right")
        table.add_column("Étape")
        table.add_column("État")
        table.add_column("Remarque")
        for state, row in zip(report.steps, data["etapes"], strict=True):
            label = STATUS_LABEL[state.status]
            if state.done_on:
                label += f" le {state.done_on}"
            note = ""
            if state.status == "terminee" and not state.complete:
                note = f"[yellow]n'est plus complète ({len(state.missing)})[/]"
            elif state.status == "en_cours":
                note = (
                    "[green]complète : cpts next[/]"
                    if state.complete
                    else f"{counted(len(row['manquants']), 'point')} à compléter"
                )
            table.add_row(str(state.step.number), state.step.label, label, note)
        out.print(table)
        terr = data.get("territoire")
        if terr:
            from cpts_cli.support.formatting import fmt_int

            parts = [counted(terr["communes"], "commune")]
            if terr["population"] is not None:
                parts.append(f"{fmt_int(terr['population'])} habitants")
            if terr["taille"]:
                parts.append(f"taille ACI {terr['taille']}")
            parts.append(", ".join(terr["ars"]))
            out.print(
                "Territoire : "
                + " · ".join(p for p in parts if p)
                + "  (détail : cpts territory info)"
            )
    current = data["etape_en_cours"]
    if current and data["manquants"]:
        out.print(f"\n[bold]Ce qui manque à l'étape « {escape(current['libelle'])} » :[/]")
        for f in [
            f for f in report.findings if f.step == current["id"] and f.severity.value == "error"
        ] or []:
            out.print("  " + finding_line(f, report.file))
        extra = [f for f in report.findings if f.severity.value == "error" and f.step is None]
        for f in extra:
            out.print("  " + finding_line(f, report.file))
    for warning in data["alertes"]:
        out.print(f"[yellow]⚠ {escape(warning)}[/]")
    others = [
        f
        for f in report.findings
        if f.severity.value != "info"
        and not (current and f.step == current["id"] and f.severity.value == "error")
        and not (f.severity.value == "error" and f.step is None)
    ]
    if others:
        from cpts_cli.cli.reporters import summary

        out.print(
            f"\n[yellow]Autres points signalés : {summary(others)}[/] — détail avec "
            f"« cpts validate {escape(report.file)} »."
        )
    out.print(f"\n[bold]Prochaine action :[/] {escape(data['prochaine_action'])}")


def next_step(
    fichier: Path = WRITTEN_FILE_ARGUMENT,
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Enregistrer l'étape en cours comme terminée, si elle est complète."""
    from cpts_cli.cli.reporters import finding_line, print_findings
    from cpts_cli.workflow.advance import advance

    result = advance(fichier)
    report = result.report
    if fmt is OutputFormat.json:
        print_json(
            {
                "fichier": report.file,
                "etape": result.step.id if result.step else None,
                "enregistree": result.recorded,
                "toutes_terminees": result.all_done,
                "etape_bloquante": result.blocking_step.id if result.blocking_step else None,
                "manquants": [f.to_dict() for f in result.missing],
            }
        )
        raise typer.Exit(0 if result.recorded or result.all_done else 2 if not report.parsed else 1)
    out = console()
    if not report.parsed or not report.steps:
        print_findings(out, [report])
        raise typer.Exit(2 if not report.parsed else 1)
    if result.all_done:
        out.print("Les 9 étapes sont terminées : le projet est en phase de mise en œuvre.")
        return
    if result.blocking_step is not None:
        s = result.blocking_step
        out.print(f"[red]L'étape {s.number} « {s.label} », déjà terminée, n'est plus complète :[/]")
        for f in result.missing:
            out.print("  " + finding_line(f, report.file))
        raise typer.Exit(1)
    s = result.step
    if result.recorded:
        if not quiet:
            out.print(f"[green]✔ Étape {s.number} « {s.label} » enregistrée comme terminée.[/]")
            following = s.number < 9
            if following:
                from cpts_cli.workflow.steps import STEPS

                nxt = STEPS[s.number]
                out.print(f"Étape suivante : {nxt.number} « {nxt.label} » — {nxt.action}")
                out.print(f"Pour l'aide : cpts guide {nxt.id}")
        return
    out.print(
        f"[red]L'étape {s.number} « {s.label} » n'est pas complète "
        f"({counted(len(result.missing), 'point')}) :[/]"
    )
    for f in result.missing:
        out.print("  " + finding_line(f, report.file))
    raise typer.Exit(1)
