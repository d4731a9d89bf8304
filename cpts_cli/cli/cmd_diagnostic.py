"""``cpts diagnostic``: import the diagnostic's figures from national open data files (core
in ``cpts_cli.diagnostic.run``)."""

from __future__ import annotations

from pathlib import Path

import typer

from cpts_cli.cli.common import (
    FILE_OPTION,
    FORMAT_OPTION,
    QUIET_OPTION,
    OutputFormat,
    command_group,
    console,
    show,
)
from cpts_cli.support.formatting import fmt_int

HELP = (
    "Le diagnostic du territoire : calculer ses indicateurs à partir des fichiers nationaux "
    "(INSEE, FINESS, RPPS, DREES), comparés au département, à la région et à la France."
)

sub = command_group(HELP)

#: Lines listed one by one in text output; the rest are counted (all are in JSON).
MAX_SHOWN = 30


def register(app: typer.Typer) -> None:
    app.add_typer(sub, name="diagnostic", help=HELP)


@sub.command("import")
def import_(
    sources: list[Path] = typer.Argument(
        ...,
        metavar="FICHIER...",
        help="Fichiers nationaux à importer, reconnus à leur contenu : base communale de "
        "population par âge de l'INSEE (CSV, son .zip ou XLSX), extraction FINESS des "
        "établissements (cs1100507 ou cs1100502, ou son .zip), extraction RPPS, classeur APL de "
        "la DREES.",
        show_default=False,
    ),
    fichier: Path = FILE_OPTION,
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Montrer les indicateurs et structures qui seraient ajoutés, remplacés ou "
        "laissés, sans rien écrire.",
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Calculer des indicateurs du diagnostic à partir de fichiers nationaux.

    Chaque fichier est reconnu à son contenu, lu pour les communes du territoire (anciens codes et arrondissements compris), et donne ses indicateurs pour le territoire et, pour comparer, pour son département, sa région et la France. Ils sont écrits dans diagnostic.indicateurs avec leur unité, leur millésime, leur source et « origine: import » ; l'extraction FINESS ajoute aussi les établissements du territoire à mobilisation.structures.

    Un indicateur ou une structure saisi à la main n'est jamais modifié. Relancer le même import ne change rien ; un fichier plus récent remplace les indicateurs importés d'un plus ancien (et le dit) ; un fichier plus ancien est refusé pour ces indicateurs. Un fichier illisible arrête tout : rien n'est écrit (code de sortie 2).
    """
    from cpts_cli.diagnostic.run import import_files
    from cpts_cli.project.save import writable_project_file

    if not dry_run:
        writable_project_file(fichier)
    report = import_files(fichier, list(sources), dry_run=dry_run)
    show(report, fmt, lambda: _print(report, quiet))


def _print(report, quiet: bool) -> None:
    from rich.markup import escape

    from cpts_cli.diagnostic.merge import source_label

    out = console()
    for item in report.imports:
        i = item.indicators
        if not quiet:
            out.print(
                f"[bold]Import de « {escape(item.name)} »[/] : {escape(source_label(item.source))}"
            )
            _list_changes(out, item, report.dry_run)
        verb = "à ajouter" if report.dry_run else "ajoutés"
        counts = [
            f"{verb} : {fmt_int(len(i.added))}",
            f"{'à remplacer' if report.dry_run else 'remplacés'} : {fmt_int(len(i.replaced))}",
            f"{'à mettre à jour' if report.dry_run else 'mis à jour'} : {fmt_int(len(i.updated))}",
            f"inchangés : {fmt_int(len(i.unchanged))}",
            f"saisis à la main, laissés tels quels : {fmt_int(len(i.kept))}",
        ]
        if i.refused:
            counts.append(f"refusés (fichier plus ancien) : {fmt_int(len(i.refused))}")
        out.print("Indicateurs " + " · ".join(counts) + ".")
        if i.refused:
            code, kept = i.refused[0]
            out.print(
                f"[yellow]Fichier plus ancien que les indicateurs déjà importés ({escape(kept)}) : "
                "ils sont conservés.[/]"
            )
        if item.source.warning:
            out.print(f"[yellow]{escape(item.source.warning)}[/]")
        missing = sorted({c for f in item.source.figures for c in f.manquantes})
        if missing:
            shown = ", ".join(missing[:10]) + ("…" if len(missing) > 10 else "")
            out.print(
                f"[yellow]{fmt_int(len(missing))} commune(s) du territoire absente(s) du "
                f"fichier : {escape(shown)} — les indicateurs le disent dans leur note.[/]"
            )
        if item.structures is not None:
            s = item.structures
            out.print(
                "Structures "
                + " · ".join(
                    [
                        f"{'à ajouter' if report.dry_run else 'ajoutées'} : {fmt_int(len(s.added))}",
                        f"mises à jour : {fmt_int(len(s.updated))}",
                        f"inchangées : {fmt_int(s.unchanged)}",
                        f"saisies à la main, laissées telles quelles : {fmt_int(len(s.kept))}",
                        f"retirées : {fmt_int(len(s.removed))}",
                    ]
                )
                + "."
            )
    if report.dry_run:
        out.print("[bold]Simulation[/] (--dry-run) : rien n'a été écrit.")
    elif report.written:
        out.print(f"[green]✔ {escape(report.file)} enregistré.[/]")
    else:
        out.print(f"Rien à changer : {escape(report.file)} est déjà à jour.")


def _list_changes(out, item, dry_run: bool) -> None:
    from rich.markup import escape

    i = item.indicators
    lines = [f"  [green]+[/] {escape(c)}" for c in i.added]
    lines += [f"  [yellow]~[/] {escape(c)} : remplace {_the(old)}" for c, old in i.replaced]
    lines += [f"  [yellow]~[/] {escape(c)} : valeurs mises à jour" for c in i.updated]
    lines += [f"  [dim]= {escape(c)} (saisi à la main, laissé tel quel)[/]" for c in i.kept]
    lines += [
        f"  [red]×[/] {escape(c)} : refusé, les valeurs en place ({escape(kept)}) sont plus récentes"
        for c, kept in i.refused
    ]
    if item.structures is not None and dry_run:
        s = item.structures
        lines += [f"  [green]+[/] {escape(st['nom'])} (FINESS {st['finess']})" for st in s.added]
        lines += [f"  [red]-[/] {escape(str(st.get('nom')))}" for st in s.removed]
    for line in lines[:MAX_SHOWN]:
        out.print(line)
    if len(lines) > MAX_SHOWN:
        out.print(f"  … et {len(lines) - MAX_SHOWN} autres (--format json pour la liste complète).")


def _the(label: str) -> str:
    """« le millésime 2021 », « l'extraction du 15 mars 2024 » (escaped for Rich)."""
    from rich.markup import escape

    return escape(("l'" if label[:1] in "aeéiou" else "le ") + label)
