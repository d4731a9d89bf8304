"""``cpts actors``: import (core in ``cpts_cli.actors.importing.run``) and stats (``cpts_cli.actors.stats``)."""

from __future__ import annotations

from pathlib import Path

import typer

from cpts_cli.cli.common import (
    FILE_ARGUMENT,
    FILE_OPTION,
    FORMAT_OPTION,
    QUIET_OPTION,
    OutputFormat,
    command_group,
    console,
    show,
)
from cpts_cli.support.formatting import counted, fmt_int

HELP = (
    "Les acteurs de la CPTS : importer les professionnels du territoire depuis l'extraction "
    "publique RPPS (Annuaire Santé) ou un tableau ; les compter par profession, commune et "
    "mode d'exercice."
)

sub = command_group(HELP)

#: Findings listed one by one in text output; the rest are counted (all are in JSON).
MAX_SHOWN = 40
#: Below this size a file is read too fast for a progress bar to help.
PROGRESS_MIN_BYTES = 8 * 1024 * 1024


def register(app: typer.Typer) -> None:
    app.add_typer(sub, name="actors", help=HELP)


# --------------------------------------------------------------------------- import


@sub.command("import")
def import_(
    source: Path = typer.Argument(
        ...,
        metavar="FICHIER",
        help="Fichier à importer : extraction RPPS PS_LibreAcces_Personne_activite_*.txt "
        "(ou son .zip), tableau CSV (séparateur , ; ou tabulation) ou classeur XLSX avec "
        "une ligne d'en-tête (Nom, Prénom, Profession, Commune, Courriel…).",
        show_default=False,
    ),
    fichier: Path = FILE_OPTION,
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Montrer ce qui serait ajouté, mis à jour ou laissé, sans rien écrire.",
    ),
    remplacer: bool = typer.Option(
        False,
        "--remplacer",
        help="Remplacer les acteurs importés auparavant (origine: import) : ceux absents du "
        "nouveau fichier sont retirés. Les acteurs saisis à la main ne sont jamais touchés.",
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Importer des professionnels dans mobilisation.acteurs.

    FICHIER : l'extraction RPPS de l'Annuaire Santé (PS_LibreAcces_Personne_activite_*.txt, ou le .zip téléchargé), un tableau CSV (séparateur virgule, point-virgule ou tabulation) ou un classeur XLSX, avec une ligne d'en-tête (Nom, Prénom, Profession, Commune, Courriel, Téléphone, RPPS…).

    L'extraction RPPS est filtrée sur les communes du territoire (code commune de la structure, ou à défaut son code postal) et dédoublonnée par identifiant ; un tableau est importé en entier.

    Un acteur déjà présent est reconnu par son numéro RPPS, ou par ses nom et prénom. S'il a été importé (origine: import), seuls les champs fournis par l'import sont mis à jour ; s'il a été saisi à la main, il n'est jamais modifié. Relancer le même import ne change rien. Code de sortie 1 si des lignes ont été ignorées.
    """
    from cpts_cli.actors.importing.run import import_actors
    from cpts_cli.project.save import writable_project_file

    if not dry_run:
        # Said before reading a national extraction for seconds, not after.
        writable_project_file(fichier)
    with _progress(quiet) as progress:
        report = import_actors(
            fichier, source, dry_run=dry_run, replace=remplacer, progress=progress
        )
    show(report, fmt, lambda: _print_import(report, quiet))
    raise typer.Exit(report.exit_code)


class _RichProgress:
    """A progress bar by bytes read, shown only for big files."""

    def __init__(self) -> None:
        self._bar = None
        self._task = None

    def start(self, total: int | None) -> None:
        if not total or total < PROGRESS_MIN_BYTES:
            return
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("Lecture"),
            BarColumn(),
            DownloadColumn(binary_units=False),
            TimeRemainingColumn(),
            console=console(stderr=True),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task("lecture", total=total)

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=n)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


class _progress:
    """``with _progress(quiet) as p``: a ``_RichProgress`` on a terminal, else None."""

    def __init__(self, quiet: bool) -> None:
        import sys

        shown = not quiet and _isatty(sys.stderr)
        self.progress = _RichProgress() if shown else None

    def __enter__(self):
        return self.progress

    def __exit__(self, *exc) -> None:
        if self.progress is not None:
            self.progress.stop()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _print_import(report, quiet: bool) -> None:
    from rich.markup import escape

    from cpts_cli.actors.importing.run import KIND_LABELS
    from cpts_cli.checking.findings import Severity
    from cpts_cli.cli.reporters import finding_line

    out = console()
    m = report.merge
    if not quiet:
        what = KIND_LABELS.get(report.kind, report.kind)
        extra = ", ".join(
            x
            for x in (report.detail, f"encodage {report.encoding}" if report.encoding else "")
            if x
        )
        out.print(
            f"[bold]Import de « {escape(report.source)} »[/] ({escape(what)}"
            + (f", {escape(extra)}" if extra else "")
            + f") dans {escape(report.file)}"
        )
        out.print(escape(_reading_line(report)))
    shown = [f for f in report.findings if not quiet or f.severity is Severity.ERROR]
    for f in shown[:MAX_SHOWN]:
        out.print(finding_line(f, f.file))
    if len(shown) > MAX_SHOWN:
        out.print(
            f"… et {len(shown) - MAX_SHOWN} autres remarques (--format json pour la liste "
            "complète)."
        )
    if report.dry_run and not quiet:
        for actor in m.added:
            out.print(f"  [green]+[/] {escape(_who(actor))}")
        for actor, fields in m.updated:
            out.print(f"  [yellow]~[/] {escape(_who(actor))} : {escape(', '.join(fields))}")
        for actor in m.removed:
            out.print(f"  [red]-[/] {escape(_who(actor))}")
        for actor in m.kept:
            out.print(f"  [dim]= {escape(_who(actor))} (saisi à la main, laissé tel quel)[/]")
    counts = [
        f"{'à ajouter' if report.dry_run else 'ajoutés'} : {fmt_int(len(m.added))}",
        f"{'à mettre à jour' if report.dry_run else 'mis à jour'} : {fmt_int(len(m.updated))}",
        f"inchangés : {fmt_int(len(m.unchanged))}",
        f"saisis à la main, laissés tels quels : {fmt_int(len(m.kept))}",
    ]
    if report.replace:
        counts.append(f"{'à retirer' if report.dry_run else 'retirés'} : {fmt_int(len(m.removed))}")
    out.print("Acteurs " + " · ".join(counts) + ".")
    if report.dry_run:
        out.print("[bold]Simulation[/] (--dry-run) : rien n'a été écrit.")
    elif report.written:
        out.print(f"[green]✔ {escape(report.file)} enregistré.[/]")
    else:
        out.print(f"Rien à changer : {escape(report.file)} est déjà à jour.")
    if report.bad_lines:
        out.print(
            f"[red]{counted(report.bad_lines, 'ligne ignorée', 'lignes ignorées')} "
            "(nombre de champs incorrect) : voir ci-dessus.[/]"
        )


def _reading_line(report) -> str:
    lines = counted(report.lines, "ligne lue", "lignes lues")
    pros = counted(report.professionals, "professionnel", "professionnels")
    if report.kind == "rpps" or report.activities != report.lines:
        n = report.territory_communes
        where = (
            f"{fmt_int(report.activities)} "
            + ("dans la commune" if n == 1 else f"dans les {fmt_int(n)} communes")
            + " du territoire"
            if report.kind == "rpps" or n
            else f"{fmt_int(report.activities)} retenues"
        )
        if report.by_postcode:
            where += f" (dont {fmt_int(report.by_postcode)} par leur seul code postal)"
        return f"{lines} ; {where} ; {pros}."
    return f"{lines} ; {pros}."


def _who(actor: dict) -> str:
    from cpts_cli.checking.schema import vocabulary

    name = " ".join(v for v in (actor.get("prenom"), actor.get("nom")) if v) or "?"
    parts = [name]
    if actor.get("profession"):
        parts.append(vocabulary("profession").get(actor["profession"], actor["profession"]))
    if actor.get("commune"):
        from cpts_cli.referentiel import store

        found = store.commune(actor["commune"])
        parts.append(f"{found.nom} ({actor['commune']})" if found else actor["commune"])
    if actor.get("rpps"):
        parts.append(f"RPPS {actor['rpps']}")
    return " — ".join(parts)


# --------------------------------------------------------------------------- stats


@sub.command("stats")
def stats(
    fichier: Path = FILE_ARGUMENT,
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Compter les acteurs : par profession, par commune, par mode d'exercice ; médecins généralistes pour 10 000 habitants du territoire."""
    from cpts_cli.actors import stats as actors

    result = actors.stats(fichier)
    show(result, fmt, lambda: _print_stats(result, quiet))


def _count_table(title: str, columns: list[str], rows: list[list[str]], counts):
    """A table of counts: the given columns, then « Effectif » (one row per count)."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    table.add_column("Effectif", justify="right")
    for row, count in zip(rows, counts, strict=True):
        table.add_row(*row, fmt_int(count.effectif))
    return table


def _print_stats(result, quiet: bool) -> None:
    from rich.markup import escape

    out = console()
    out.print(
        f"[bold]{escape(result.file)}[/] : "
        f"{counted(result.total, 'acteur recensé', 'acteurs recensés')}."
    )
    if not result.total:
        out.print("Ajoutez des acteurs (mobilisation.acteurs) ou importez-les : cpts actors import")
    if result.total and not quiet:
        professions = [[escape(c.libelle)] for c in result.professions]
        out.print(_count_table("Par profession", ["Profession"], professions, result.professions))
        communes = [
            [
                escape(c.libelle) + (" [yellow](hors territoire)[/]" if c.hors_territoire else ""),
                c.code or "—",
            ]
            for c in result.communes
        ]
        out.print(
            _count_table("Par commune d'exercice", ["Commune", "Code"], communes, result.communes)
        )
        modes = [[escape(c.libelle)] for c in result.modes]
        out.print(_count_table("Par mode d'exercice", ["Mode"], modes, result.modes))
        if result.communes_sans_acteur:
            names = ", ".join(c.libelle for c in result.communes_sans_acteur[:15])
            more = "…" if len(result.communes_sans_acteur) > 15 else ""
            out.print(
                f"Communes du territoire sans acteur recensé "
                f"({fmt_int(len(result.communes_sans_acteur))}) : {escape(names)}{more}"
            )
    if result.generalistes_pour_10000 is not None:
        density = f"{result.generalistes_pour_10000:.1f}".replace(".", ",")
        out.print(
            f"Médecins généralistes : {fmt_int(result.generalistes)}, soit {density} pour "
            f"10 000 habitants ({fmt_int(result.population)} habitants, "
            f"{escape(result.population_source)})."
        )
    else:
        out.print(
            f"Médecins généralistes : {fmt_int(result.generalistes)} ; densité incalculable "
            "(population du territoire inconnue : voir « cpts territory info »)."
        )
