"""``render``: the deliverables of one or several projects, as Word, Markdown or PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import typer

from cpts_cli.cli.common import QUIET_OPTION, check_choice, console, project_files
from cpts_cli.cli.completion import complete_document
from cpts_cli.documents import DELIVERABLES  # light: imports no library
from cpts_cli.support.formatting import counted, fmt_int

DOC_IDS = tuple(DELIVERABLES)
DOC_HELP = "Document à produire (option répétable) : " + ", ".join(DOC_IDS) + "."


class RenderFormat(str, Enum):
    docx = "docx"
    md = "md"
    pdf = "pdf"
    json = "json"


def _formats(values: list[RenderFormat] | None) -> tuple[str, bool]:
    """(the documents' format, whether the report is JSON) from the ``--format`` options:
    one document format at most (docx by default), ``json`` besides it."""
    chosen = list(dict.fromkeys(v.value for v in values or []))
    as_json = "json" in chosen
    documents = [v for v in chosen if v != "json"]
    if len(documents) > 1:
        raise typer.BadParameter(
            "un seul format de documents : docx, md ou pdf (json s'y ajoute pour le compte "
            "rendu), pas « " + " » et « ".join(documents) + " ».",
            param_hint="'--format'",
        )
    return (documents[0] if documents else "docx"), as_json


def _check_docs(values: list[str] | None) -> list[str] | None:
    for value in values or []:
        check_choice(value, DOC_IDS, "document inconnu", DOC_HELP)
    return values


RENDER_HELP = (
    "Produire les documents du projet (diagnostic, lettre d'intention, projet de santé…).\n\n"
    "Ce qui a été envoyé reste tel quel : un document final dont l'étape est terminée "
    "(etapes, terminee_le) n'est jamais écrasé. Si son contenu a changé, la version "
    "précédente est d'abord gardée dans archives/, datée du jour où elle avait été écrite "
    "(documents/archives/lettre-intention-2026-11-30.docx, puis …-2026-11-30-2.docx) ; à "
    "contenu identique, le fichier reste tel quel. Un brouillon a son propre nom "
    "(lettre-intention-brouillon.docx) et ne remplace jamais le document final."
)


def register(app: typer.Typer) -> None:
    app.command("render", help=RENDER_HELP)(render)


def render(
    fichiers: list[Path] | None = typer.Argument(
        None, help="Fichiers projet ou dossiers (défaut : cpts.yaml)."
    ),
    doc: list[str] | None = typer.Option(
        None, "--doc", help=DOC_HELP, callback=_check_docs, autocompletion=complete_document
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Dossier où écrire les documents (défaut : documents/ à côté du fichier projet).",
        file_okay=False,
    ),
    fmt: list[RenderFormat] | None = typer.Option(
        None,
        "--format",
        help="Format des documents : docx (Word, par défaut), md (Markdown) ou pdf (avec "
        "LibreOffice). En plus, json (option répétée : --format pdf --format json) : le "
        "compte rendu en JSON pour un script (fichiers écrits, versions précédentes gardées).",
    ),
    brouillon: bool = typer.Option(
        False,
        "--brouillon",
        help="Produire même si des étapes précédentes sont incomplètes : chaque page est "
        "marquée « BROUILLON » et chaque point manquant apparaît, surligné, à sa place. Sans "
        "--doc : les brouillons de tous les documents jusqu'à celui de l'étape en cours "
        "(…-brouillon.docx, à côté des documents finals, jamais à leur place).",
    ),
    templates: Path | None = typer.Option(
        None,
        "--templates",
        help="Dossier de modèles à vous : chaque fichier présent remplace le modèle intégré "
        "du même nom.",
        file_okay=False,
    ),
    modele_docx: Path | None = typer.Option(
        None,
        "--modele-docx",
        help="Document (.docx) ou modèle (.dotx) Word dont reprendre les styles, en-têtes et "
        "pieds de page.",
        dir_okay=False,
    ),
    exporter: Path | None = typer.Option(
        None,
        "--exporter-modeles",
        help="Copier les modèles intégrés (et reference.docx, les styles Word) dans ce "
        "dossier pour les adapter, puis s'arrêter ; voir son README.md.",
        file_okay=False,
    ),
    quiet: bool = QUIET_OPTION,
) -> None:
    """Write the deliverables (the help shown is RENDER_HELP)."""
    doc_format, as_json = _formats(fmt)
    if exporter is not None:
        _export(exporter, quiet)
        return

    files = project_files(fichiers)
    multi = len(files) > 1
    job = _Job(doc or None, out, doc_format, brouillon, templates, modele_docx, quiet, multi)
    job.as_json = as_json
    raise typer.Exit(_render_files(files, job, console(), console(stderr=True)))


@dataclass
class _Job:
    """The options of one ``cpts render``, the same for each of its projects."""

    doc: list[str] | None
    out: Path | None
    fmt: str
    brouillon: bool
    templates: Path | None
    modele_docx: Path | None
    quiet: bool
    #: Several projects: each one's documents go to a sub-folder named after its CPTS.
    multi: bool
    #: The sub-folder names already taken.
    used: set[str] = field(default_factory=set)
    #: ``--format json``: one JSON report on stdout, built in ``reports`` (one per file).
    as_json: bool = False
    reports: list[dict] = field(default_factory=list)


def _render_files(files: list[Path], job: _Job, out_console, err_console) -> int:
    """Render each project (with a progress bar when there are several); the worst exit
    code."""
    worst = 0
    if job.as_json:
        from cpts_cli.cli.common import print_json

        for path in files:
            worst = max(worst, _render_one(path, job, out_console, err_console))
        print_json({"fichiers": job.reports})
        return worst
    if job.multi and not job.quiet:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(
            TextColumn("[bold]Documents[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=err_console,
            transient=True,
        ) as progress:
            task = progress.add_task("", total=len(files))
            for path in files:
                progress.update(task, description=str(path))
                worst = max(worst, _render_one(path, job, out_console, err_console))
                progress.advance(task)
    else:
        for path in files:
            worst = max(worst, _render_one(path, job, out_console, err_console))
    return worst


def _render_one(path: Path, job: _Job, out_console, err_console) -> int:
    """Render one project and say what was written, or why not; the exit code."""
    from cpts_cli.documents import ProjectUnreadable, RenderLog, RenderRefused, render_project
    from cpts_cli.support.errors import CptsError

    log = RenderLog()
    try:
        written = render_project(
            path,
            job.doc,
            job.out,
            job.fmt,
            job.brouillon,
            job.templates,
            job.modele_docx,
            log=log,
            per_cpts=job.used if job.multi else None,
        )
    except RenderRefused as exc:
        if job.as_json:
            refused = [
                {"document": d, "manquants": [f.to_dict() for f in missing]}
                for d, missing in exc.refused.items()
            ]
            job.reports.append(_json_report(path, log, refuses=refused))
        else:
            _print_refused(err_console, exc)
        return exc.exit_code
    except ProjectUnreadable as exc:
        if job.as_json:
            log.findings.extend(exc.report.findings)
            job.reports.append(_json_report(path, log, lisible=False))
        else:
            from cpts_cli.cli.reporters import print_findings

            print_findings(err_console, [exc.report])
        return exc.exit_code
    except CptsError as exc:
        if job.as_json:
            error = {"message": exc.message, "code_sortie": exc.exit_code}
            job.reports.append(_json_report(path, log, erreur=error))
        else:
            from rich.markup import escape

            prefix = f"{path} : " if job.multi else ""
            err_console.print(f"[bold red]Erreur :[/] {escape(prefix + exc.message)}")
        return exc.exit_code
    if job.as_json:
        images = [str(p) for p in written if p not in {d.path for d in log.documents}]
        job.reports.append(_json_report(path, log, images=images))
    else:
        _print_result(out_console, err_console, path, written, log, job.quiet)
    return 0


def _json_report(path: Path, log, **extra) -> dict:
    """One project's part of the ``--format json`` report (keys in docs/json.md)."""
    documents = [
        {
            "document": d.doc_id,
            "chemin": str(d.path),
            "brouillon": d.draft,
            "a_completer": log.drafts.get(d.doc_id) if d.draft else None,
            "inchange": d.unchanged,
            "version_precedente": str(d.previous) if d.previous else None,
        }
        for d in log.documents
    ]
    return {
        "fichier": str(path),
        "lisible": extra.get("lisible", True),
        "cpts": log.cpts,
        "documents": documents,
        "images": extra.get("images", []),
        "refuses": extra.get("refuses", []),
        "constats": [f.to_dict() for f in log.findings],
        "avertissements": list(log.warnings),
        "erreur": extra.get("erreur"),
    }


def _print_refused(err, exc) -> None:
    """What blocks each refused document; documents blocked by the same points share one
    list, and a point already listed is counted, not repeated."""
    from rich.markup import escape

    from cpts_cli.cli.reporters import finding_line

    def key(f):
        return (f.code, f.path, f.message)

    groups: list[tuple[list[str], tuple, list]] = []
    for doc_id, missing in exc.refused.items():
        keys = tuple(key(f) for f in missing)
        same = next((g for g in groups if g[1] == keys), None)
        if same is not None:
            same[0].append(doc_id)
        else:
            groups.append(([doc_id], keys, list(missing)))
    err.print(f"[bold red]Refusé :[/] {escape(exc.message)}")
    seen: set = set()
    for doc_ids, _keys, missing in groups:
        err.print(f"[bold]{escape(', '.join(doc_ids))}[/] — ce qui manque :")
        new = [f for f in missing if key(f) not in seen]
        for f in new:
            seen.add(key(f))
            err.print("  " + finding_line(f, exc.file))
        if len(missing) > len(new):
            err.print(
                f"  [dim]… et {counted(len(missing) - len(new), 'point listé', 'points listés')} "
                "plus haut.[/]"
            )


def _print_result(out, err, path: Path, written: list[Path], log, quiet: bool) -> None:
    """The findings and warnings (stderr), each file written and each previous version
    kept in archives (said even with --quiet), the drafts."""
    from rich.markup import escape

    from cpts_cli.cli.reporters import finding_line

    for f in log.findings:
        err.print(finding_line(f, str(path)))
    for warning in log.warnings:
        err.print(f"[yellow]⚠ {escape(warning)}[/]")
    documents = {d.path: d for d in log.documents}
    for target in written:
        document = documents.get(target)
        if not quiet:
            same = " [dim](inchangé)[/]" if document and document.unchanged else ""
            out.print(f"[green]✔[/] {escape(str(target))}{same}")
        if document is not None and document.previous is not None:
            out.print(f"  Version précédente gardée : {escape(str(document.previous))}")
    if quiet:
        return
    for doc_id, count in log.drafts.items():
        if doc_id in log.unasked_gaps:
            detail = "des passages restent à compléter"
        elif count:
            detail = f"{counted(count, 'point')} à compléter"
        else:
            detail = "à votre demande"
        out.print(f"[yellow]{escape(doc_id)} : brouillon ({detail}).[/]")


def _export(folder: Path, quiet: bool) -> None:
    from rich.markup import escape

    from cpts_cli.documents import export_templates

    written, kept = export_templates(folder)
    out = console()
    if not quiet:
        for path in written:
            out.print(f"[green]✔[/] {escape(str(path))}")
    if quiet and kept:
        kept_text = (
            "1 fichier déjà présent, gardé tel quel"
            if len(kept) == 1
            else f"{fmt_int(len(kept))} fichiers déjà présents, gardés tels quels"
        )
        out.print(f"[yellow]⚠[/] {kept_text}.")
    elif kept:
        for path in kept:
            out.print(f"[yellow]⚠[/] {escape(str(path))} existe déjà : gardé tel quel.")
    copied = (
        counted(len(written), "fichier copié", "fichiers copiés")
        if written
        else "Aucun fichier copié"
    )
    out.print(
        f"{copied} dans {escape(str(folder))}. "
        "Modifiez ceux à "
        f"adapter (supprimez les autres), puis : cpts render --templates {escape(str(folder))}"
    )
