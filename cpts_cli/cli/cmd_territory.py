"""``cpts territory``: info, add, remove, search, coverage, carte (core in ``cpts_cli.territory``)."""

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
    is_interactive,
    print_json,
    project_files,
    show,
)
from cpts_cli.support.formatting import counted, date_text, fmt_int

HELP = (
    "Le territoire de la CPTS : communes, population, départements, ARS, taille ACI ; "
    "ajouter ou retirer des communes ; chercher un code ; couverture d'un département ; "
    "carte du territoire."
)

sub = command_group(HELP)

CODES_ARGUMENT = typer.Argument(
    ...,
    metavar="CODE...",
    help="Codes INSEE de communes (5 caractères, ex. 21231) ou SIREN d'intercommunalités "
    "(9 chiffres), ou leurs noms (« Annecy », « Grand Lyon ») : un nom qui désigne plusieurs "
    "lieux ou aucun arrête la commande, sans rien écrire.",
    show_default=False,
)
DRY_RUN_OPTION = typer.Option(
    False, "--dry-run", help="Montrer ce qui changerait, sans rien écrire."
)


def register(app: typer.Typer) -> None:
    app.add_typer(sub, name="territory", help=HELP)


def _percent(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + "\u00a0%"


# --------------------------------------------------------------------------- info


@sub.command("info")
def info(
    fichier: Path = FILE_ARGUMENT,
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Communes, population, départements, régions, ARS et taille ACI du territoire."""
    from cpts_cli.territory import info as territory_info

    result = territory_info.info(fichier)
    show(result, fmt, lambda: _print_info(result, quiet))


def _print_info(result, quiet: bool) -> None:
    from rich.markup import escape

    out = console()
    title = f"{result.nom} — {result.file}" if result.nom else result.file
    out.print(f"[bold]{escape(title)}[/]")
    n = len(result.communes)
    via = sum(1 for c in result.communes if c.epci)
    line = fmt_int(n)
    if result.epci:
        names = ", ".join(nom for _, nom, _ in result.epci)
        by = "l'intercommunalité" if len(result.epci) == 1 else "les intercommunalités"
        line += f" (dont {fmt_int(via)} par {by} {names})"
    out.print(f"Communes : {escape(line)}")
    _print_population(out, result.population, n)
    _print_places(out, result)
    _print_tier_and_codes(out, result)
    if quiet or not result.communes:
        return
    _print_communes(out, result.communes)


def _print_population(out, pop, n: int) -> None:
    from rich.markup import escape

    basis = (
        f"{pop.base}, millésime {pop.millesime}"
        + (f" en vigueur au {date_text(pop.en_vigueur)}" if pop.en_vigueur else "")
        + f" (source {pop.source})"
    )
    if pop.saisie:
        out.print(
            f"Population retenue : {fmt_int(pop.saisie['valeur'])} habitants, valeur saisie dans le "
            f"fichier (source : « {escape(pop.saisie['source'])} »)"
        )
        calc = (
            f"{fmt_int(pop.calculee)} habitants"
            if pop.calculee is not None
            else "incalculable (communes sans population)"
        )
        out.print(f"Population calculée : {calc} — {escape(basis)}")
    elif pop.valeur is not None:
        out.print(f"Population : {fmt_int(pop.valeur)} habitants — {escape(basis)}")
    elif n:
        out.print(
            "Population : incalculable, le référentiel ne publie pas la population de "
            f"{', '.join(pop.sans_population)} ; indiquez-la avec sa source "
            "(territoire.population : valeur, source)."
        )
    else:
        out.print("Population : aucune commune dans le territoire.")
    if pop.sans_population and pop.saisie:
        out.print(f"Communes sans population publiée : {', '.join(pop.sans_population)}")
    for note in pop.notes:
        out.print(f"[yellow]Note :[/] {escape(note)}")


def _print_places(out, result) -> None:
    """Departments, regions, ARS (and the referent ARS when there are several)."""
    from rich.markup import escape

    if result.departements:
        label = "Département" if len(result.departements) == 1 else "Départements"
        out.print(
            f"{label} : " + ", ".join(escape(f"{d.nom} ({d.code})") for d in result.departements)
        )
    if result.regions:
        label = "Région" if len(result.regions) == 1 else "Régions"
        out.print(f"{label} : " + ", ".join(escape(f"{r.nom} ({r.code})") for r in result.regions))
    if not result.ars:
        return
    label = "ARS concernée" if len(result.ars) == 1 else "ARS concernées"
    out.print(f"{label} : " + ", ".join(escape(a.libelle) for a in result.ars))
    if len(result.ars) < 2:
        return
    ref = next((a for a in result.ars if a.code == result.ars_referente), None)
    if ref is not None:
        out.print(f"ARS référente : {escape(ref.libelle)}")
    elif result.ars_referente:
        out.print(
            f"[red]ARS référente « {escape(result.ars_referente)} » : elle ne couvre "
            "aucune commune du territoire.[/]"
        )
    else:
        out.print(
            "[yellow]ARS référente à désigner : indiquez-la dans « ars_referente » "
            f"({', '.join(a.code for a in result.ars)}).[/]"
        )


def _print_tier_and_codes(out, result) -> None:
    """The ACI tier, then the codes to look at: unknown, old, arrondissements in their city."""
    from rich.markup import escape

    tier = result.tier
    if tier is not None:
        out.print(f"Taille ACI : {tier.taille} ({tier.range_label}, règles {escape(tier.version)})")
        if tier.note:
            out.print(f"[yellow]Attention :[/] {escape(tier.note)}")
    if result.inconnus:
        out.print(
            f"[red]Codes inconnus, non comptés :[/] {escape(', '.join(result.inconnus))} "
            "(voir « cpts validate »)"
        )
    for old, new in result.anciens_codes:
        out.print(f"[yellow]« {escape(old)} » est un ancien code : commune actuelle {new}.[/]")
    for code, nom, city, city_nom in result.dans_la_ville:
        out.print(
            f"[yellow]{escape(nom)} ({code}) fait partie de {escape(city_nom)} ({city}), donnée "
            "entière : elle n'est comptée qu'une fois, dans la ville (voir « cpts validate »).[/]"
        )


def _print_communes(out, communes) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Communes du territoire", title_justify="left")
    table.add_column("Code")
    table.add_column("Nom")
    table.add_column("Dép.")
    table.add_column("Population", justify="right")
    table.add_column("Origine")
    for row in communes:
        table.add_row(
            row.code,
            escape(row.nom),
            row.departement,
            fmt_int(row.population) if row.population is not None else "inconnue",
            "directe" if row.origine == "direct" else escape(row.origine),
        )
    out.print(table)


# --------------------------------------------------------------------------- add / remove


@sub.command("add")
def add(
    codes: list[str] = CODES_ARGUMENT,
    fichier: Path = FILE_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Ajouter des communes ou des intercommunalités au territoire.

    Un ancien code est remplacé par celui de la commune actuelle ; une commune déjà présente
    (directement ou par son intercommunalité) n'est pas ajoutée deux fois. Un code inconnu
    arrête tout : rien n'est écrit.
    """
    from cpts_cli.territory import edit as territory_edit

    codes = _codes_from_names(codes, quiet, fmt)
    result = territory_edit.add(fichier, codes, dry_run=dry_run)
    show(result, fmt, lambda: _print_edit(result, quiet))


@sub.command("remove")
def remove(
    codes: list[str] = CODES_ARGUMENT,
    fichier: Path = FILE_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
    detailler_epci: bool = typer.Option(
        False,
        "--detailler-epci",
        help="Pour retirer une commune présente par son intercommunalité : remplacer "
        "l'intercommunalité par la liste de ses autres communes.",
    ),
) -> None:
    """Retirer des communes ou des intercommunalités du territoire.

    Une commune présente seulement par son intercommunalité n'est retirée qu'avec
    --detailler-epci (l'intercommunalité est alors remplacée par ses autres communes) ; sans
    cette option, la commande l'explique et ne change rien.
    """
    from cpts_cli.territory import edit as territory_edit

    codes = _codes_from_names(codes, quiet, fmt)
    result = territory_edit.remove(fichier, codes, dry_run=dry_run, split_epci=detailler_epci)
    show(result, fmt, lambda: _print_edit(result, quiet))


def _codes_from_names(texts: list[str], quiet: bool, fmt: OutputFormat) -> list[str]:
    """Names resolved to codes (:mod:`cpts_cli.territory.names`), what was understood said on
    the error stream (the JSON output stays clean)."""
    from rich.markup import escape

    from cpts_cli.cli.reporters import visible
    from cpts_cli.territory.names import codes_for

    # In a terminal, a name that designates several places is a choice; else a listing.
    choose = None
    if fmt is not OutputFormat.json and is_interactive():
        from cpts_cli.cli.prompts import choose_place

        choose = choose_place
    codes, said = codes_for(texts, choose=choose)
    if not quiet:
        err = console(stderr=True)
        for line in said:
            err.print(escape(visible(line)))
    return codes


def _print_edit(result, quiet: bool) -> None:
    from rich.markup import escape

    out = console()
    if not quiet:
        for message in result.messages:
            out.print(escape(message))
    for line in result.diff:
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
        out.print(f"[{style}]{escape(line)}[/]")
    if result.dry_run and result.changed:
        out.print("[yellow]Simulation (--dry-run) : rien n'a été écrit.[/]")
    elif result.written:
        out.print(f"[green]✔ {escape(result.file)} mis à jour.[/]")
    elif not result.changed:
        out.print("Aucune modification.")
    after, before = result.after, result.before
    communes = counted(after.communes, "commune")
    if not after.communes:
        out.print("Territoire vide : aucune commune.")
    elif after.population is None:
        out.print(
            f"Territoire : {communes}, population incalculable (voir « cpts territory info »)."
        )
    else:
        line = f"Territoire : {communes}, {counted(after.population, 'habitant')}, taille ACI {after.taille}"
        if (
            result.changed
            and before.population is not None
            and before.population != after.population
        ):
            line += f" (avant : {counted(before.population, 'habitant')}, taille {before.taille})"
        out.print(escape(line) + ".")
        if after.note and not quiet:
            out.print(f"[yellow]Attention :[/] {escape(after.note)}")


# --------------------------------------------------------------------------- search


@sub.command("search")
def search(
    texte: list[str] = typer.Argument(
        ...,
        metavar="TEXTE...",
        help=(
            "Nom, code INSEE, code postal ou SIREN ; accents, majuscules, tirets, "
            "« St »/« Ste » et fautes de frappe tolérés."
        ),
    ),
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="Nombre maximal de résultats."),
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Chercher une commune, un arrondissement ou une intercommunalité par son nom, son code
    ou son code postal (code de sortie 1 si rien n'est trouvé)."""
    import sys

    from cpts_cli.territory import search as territory_search

    text = " ".join(texte)
    results = territory_search.search(text, limit)
    near = [] if results else territory_search.suggestions(text)
    if fmt is OutputFormat.json:
        print_json(territory_search.search_to_dict(text, results, near))
    elif not results:
        message = f"Aucune commune ni intercommunalité pour « {text} »."
        if near:
            names = ", ".join(f"{r.nom} ({r.code})" for r in near)
            message += f" Noms les plus proches : {names}."
        sys.stdout.write(message + "\n")
    else:
        sys.stdout.write(_search_table(text, results, quiet))
    if not results:
        raise typer.Exit(1)


def _search_table(text: str, results: list, quiet: bool) -> str:
    # A plain aligned table: a search must answer at once, and drawing it with Rich would
    # cost more than the search itself. « Trouvé par » when not every result is a name.
    from cpts_cli.territory import search as territory_search

    by = any(r.correspondance != "nom" for r in results)
    rows = [("Type", "Code", "Nom", "Dép.", "Population") + (("Trouvé par",) if by else ())]
    for r in results:
        nom = r.nom
        if r.commune_parente and r.kind != "arrondissement-municipal":
            nom += f" (commune actuelle : {r.commune_parente})"
        rows.append(
            (
                territory_search.KIND_LABELS.get(r.kind, r.kind),
                r.code,
                nom,
                r.departement or "",
                fmt_int(r.population) if r.population is not None else "—",
            )
            + ((territory_search.match_label(r),) if by else ())
        )
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    lines = [] if quiet else [f"Résultats pour « {text} »"]
    for n, row in enumerate(rows):
        cells = [row[k].ljust(widths[k]) for k in range(4)] + [row[4].rjust(widths[4])]
        cells += [row[k].ljust(widths[k]) for k in range(5, len(row))]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("─" * w for w in widths))
    if not quiet:
        lines.append("Pour ajouter : cpts territory add CODE")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- coverage


@sub.command("coverage")
def coverage(
    fichiers: list[Path] = typer.Argument(
        ...,
        metavar="FICHIER...",
        help="Fichiers projet, ou dossiers (tous leurs fichiers .yaml).",
    ),
    departement: str | None = typer.Option(
        None, "--departement", "-d", help="Code du département (ex. 21, 2A, 974)."
    ),
    region: str | None = typer.Option(
        None, "--region", "-r", help="Code INSEE de la région (ex. 27, 93)."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Couverture d'un département ou d'une région par des CPTS (pour les relecteurs).

    Communes couvertes par aucun fichier (zones blanches) ou par plusieurs (chevauchements),
    population et pourcentage couverts. Un dossier vaut tous ses fichiers .yaml. Paris, Lyon et Marseille sont comptées par arrondissement ; un fichier qui donne la ville
    entière couvre tous ses arrondissements. Un fichier illisible est signalé (une ligne sur
    la sortie d'erreur), les autres sont traités, et la commande se termine avec le code 2.
    """
    from cpts_cli.territory import coverage as territory_coverage

    if (departement is None) == (region is None):
        raise typer.BadParameter(
            "indiquez --departement CODE ou --region CODE (l'un des deux).",
            param_hint="'--departement' / '--region'",
        )
    report = territory_coverage.coverage(
        project_files(fichiers), departement=departement, region=region
    )
    show(report, fmt, lambda: _print_coverage(report, quiet))
    if report.errors:
        from rich.markup import escape

        err = console(stderr=True)
        for file, message in report.errors:
            err.print(f"[bold red]Erreur :[/] {escape(file)} : {escape(message)}")
        raise typer.Exit(2)


def _print_coverage(report, quiet: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = console()
    zone = "Département" if report.zone_type == "departement" else "Région"
    out.print(f"[bold]{zone} {escape(report.zone_nom)} ({report.zone_code})[/]")
    by_arrondissement = any(c.is_arrondissement for c in report.communes)
    n_files = len(report.files)
    out.print(
        counted(len(report.communes), "commune")
        + (" (Paris, Lyon et Marseille par arrondissement)" if by_arrondissement else "")
        + f", {counted(report.population, 'habitant')} ; "
        + f"{counted(n_files, 'fichier lu', 'fichiers lus')}."
    )
    out.print(
        f"Couverture : {counted(len(report.covered), 'commune')} "
        f"({_percent(report.percent_communes)}), "
        f"{counted(report.covered_population, 'habitant')} "
        f"({_percent(report.percent_population)})."
    )
    style = "green" if not report.blanks else "yellow"
    n_blanks = len(report.blanks)
    out.print(
        f"[{style}]Zones blanches : "
        f"{counted(n_blanks, 'commune couverte', 'communes couvertes')} par aucun fichier, "
        f"{counted(report.blank_population, 'habitant')}.[/]"
    )
    style = "green" if not report.overlaps else "red"
    out.print(
        f"[{style}]Chevauchements : {counted(len(report.overlaps), 'commune')} dans plusieurs "
        "fichiers.[/]"
    )
    if report.without_population:
        out.print(
            "Communes sans population publiée (non comptées) : "
            + ", ".join(report.without_population)
        )
    if quiet:
        return
    if report.files:
        table = Table(title="Fichiers", title_justify="left")
        table.add_column("Fichier")
        table.add_column("CPTS")
        table.add_column("Communes de la zone", justify="right")
        table.add_column("Population", justify="right")
        for f in report.files:
            table.add_row(
                escape(f.file), escape(f.nom or ""), fmt_int(f.communes), fmt_int(f.population)
            )
        out.print(table)
    if report.overlaps:
        table = Table(title="Chevauchements", title_justify="left")
        table.add_column("Code")
        table.add_column("Nom")
        table.add_column("Population", justify="right")
        table.add_column("Fichiers")
        for o in report.overlaps:
            table.add_row(
                o.commune.code,
                escape(o.commune.nom),
                fmt_int(o.commune.population),
                escape(", ".join(report.files[i].file for i in o.files)),
            )
        out.print(table)
    if report.blanks:
        table = Table(title="Zones blanches", title_justify="left")
        table.add_column("Code")
        table.add_column("Nom")
        table.add_column("Population", justify="right")
        for c in report.blanks:
            table.add_row(c.code, escape(c.nom), fmt_int(c.population))
        out.print(table)


# --------------------------------------------------------------------------- carte


@sub.command("carte")
def carte(
    fichier: Path = FILE_OPTION,
    sortie: Path | None = typer.Option(
        None,
        "--sortie",
        "-o",
        help="Image à écrire : .png ou .svg (défaut : carte-territoire.png à côté du "
        "fichier projet).",
        dir_okay=False,
        show_default=False,
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Dessiner la carte du territoire : communes membres, communes voisines, limites des
    départements, villes principales, structures situées, échelle et source (IGN — Admin
    Express COG 2018).

    Une commune nouvelle créée depuis 2018 est dessinée par ses anciennes communes ; Paris,
    Lyon et Marseille sont dessinées entières (la source n'a pas leurs arrondissements) ; un
    territoire d'outre-mer a son propre cadre. L'image est écrite en entier ou pas du tout.
    """
    from cpts_cli.territory import carte as territory_carte

    result = territory_carte.write_project_map(fichier, sortie)
    show(result, fmt, lambda: _print_carte(result, quiet))


def _print_carte(result, quiet: bool) -> None:
    from rich.markup import escape

    out = console()
    what = counted(result.communes, "commune", "communes")
    out.print(f"Carte du territoire écrite : [bold]{escape(result.sortie)}[/] ({what}).")
    if quiet:
        return
    for note in result.notes:
        out.print(f"  {escape(note)}")
