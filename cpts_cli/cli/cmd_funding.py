"""``funding``: the ACI money of a CPTS — tier, amounts with their sources, payment calendar,
variable part earned."""

from __future__ import annotations

from pathlib import Path

import typer

from cpts_cli.cli.common import (
    FILE_ARGUMENT,
    FORMAT_OPTION,
    QUIET_OPTION,
    OutputFormat,
    console,
    print_json,
)


def register(app: typer.Typer) -> None:
    app.command("funding")(funding)


def funding(
    fichier: Path = FILE_ARGUMENT,
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Financement ACI : montants, calendrier des versements, part variable acquise.

    Taille ACI, fonctionnement, plafond, parts fixes et variables par mission (celles du
    contrat signé quand il est noté), chacun avec son statut et sa source ; calendrier des
    versements par année de contrat ; part variable acquise d'après les résultats.
    """
    from cpts_cli.funding.model import funding_for_path

    result = funding_for_path(fichier)
    code = 1 if result.erreurs else 0
    if fmt is OutputFormat.json:
        print_json(result.to_dict())
        raise typer.Exit(code)
    if result.erreurs:
        from rich.markup import escape

        err = console(stderr=True)
        for message in result.erreurs:
            err.print(f"[bold red]Erreur :[/] {escape(message)}")
        raise typer.Exit(code)
    print_funding(console(), result, quiet=quiet)
    raise typer.Exit(code)


def print_funding(out, result, *, quiet: bool = False) -> None:
    """The text report: summary (alone with ``quiet``), missions, calendar, variable earned."""
    _summary(out, result)
    if quiet:
        return
    _missions(out, result)
    for example in result.exemples:
        _example(out, example)
    _calendar(out, result)
    for year in result.variable_acquise:
        _earned(out, year)


def _summary(out, r) -> None:
    from rich.markup import escape
    from rich.table import Table

    from cpts_cli.funding.model import amount_text, date_fr, euros

    title = f"Financement ACI — {r.cpts or r.fichier}"
    table = Table(title=escape(title), title_justify="left", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("Version de l'ACI", escape(f"{r.aci_version} ({r.aci_texte})"))
    if r.population is not None:
        pop = f"{r.population.valeur:,}".replace(",", "\u202f") + " habitants"
        detail = f"{r.population.statut} — {r.population.source}"
        table.add_row("Population", escape(f"{pop} ({detail})"))
    if r.taille is not None:
        table.add_row(
            "Taille ACI",
            escape(f"{r.taille.taille} ({r.taille.libelle} ; {r.taille.statut})"),
        )
    table.add_row("Fonctionnement annuel", escape(amount_text(r.fonctionnement)))
    if (
        r.fonctionnement_bareme is not None
        and r.fonctionnement is not None
        and r.fonctionnement.statut == "contrat"
    ):
        table.add_row(
            "  barème de la taille", f"[dim]{escape(amount_text(r.fonctionnement_bareme))}[/]"
        )
    table.add_row("Plafond annuel", escape(amount_text(r.plafond)))
    if r.aide_lettre_intention is not None:
        table.add_row("Aide à la lettre d'intention", escape(amount_text(r.aide_lettre_intention)))
    if r.contrat is not None:
        signed = (
            f"signé le {date_fr(r.contrat.date_signature)}, {r.contrat.duree_ans} ans "
            f"(jusqu'au {date_fr(r.contrat.fin)})"
            if r.contrat.date_signature
            else "noté, date de signature manquante"
        )
        table.add_row("Contrat ACI", escape(signed))
    else:
        table.add_row("Contrat ACI", "pas de contrat signé noté (étape 8)")
    t = r.totaux
    table.add_row("Fonctionnement + parts fixes", escape(_with_statut(t.fonctionnement_et_fixes)))
    table.add_row(
        "Parts variables maximales",
        escape(_with_statut(t.variable_maximum) + ", hors mission crises"),
    )
    table.add_row(
        "Total annuel maximal", escape(_with_statut(t.total_maximum) + ", hors mission crises")
    )
    if t.variable_crise is not None:
        table.add_row(
            "Part variable crises",
            escape(
                _with_statut(t.variable_crise)
                + " — seulement si l'ARS reconnaît une crise : jamais comptée"
            ),
        )
    for year in r.variable_acquise:
        table.add_row(
            f"Variable acquise, année {year.annee}",
            escape(f"{euros(year.total)} ({year.statut}, à confirmer au dialogue de gestion)"),
        )
    out.print(table)
    for note in r.alertes:
        out.print(f"[yellow]⚠ {escape(note)}[/]")


def _with_statut(amount) -> str:
    """``265 000 € (contrat)``; an unknown figure says only why (``non publié``)."""
    from cpts_cli.funding.model import amount_text

    figure = amount_text(amount, with_status=False)
    return figure if amount.valeur is None else f"{figure} ({amount.statut})"


def _missions(out, r) -> None:
    from rich.markup import escape
    from rich.table import Table

    from cpts_cli.funding.model import amount_text

    table = Table(
        title=escape(f"Missions ({r.origine_missions})"), title_justify="left", show_lines=False
    )
    table.add_column("Mission")
    table.add_column("Catégorie")
    table.add_column("Part fixe", justify="right")
    table.add_column("Part variable", justify="right")
    table.add_column("Démarrage")
    table.add_column("Statut — source")
    for m in r.missions:
        fixe = amount_text(m.fixe, with_status=False)
        variable = amount_text(m.variable, with_status=False)
        if m.variable_conditionnelle:
            variable += " (si crise reconnue)"
        sources = []
        for a in (m.fixe, m.variable):
            text = a.source if a.statut == "contrat" else f"{a.statut} — {a.source}"
            if text not in sources:
                sources.append(text)
        start = "—"
        if m.demarrage_mois is not None:
            if m.demarrage_mois.statut == "déclaré":
                start = f"{m.demarrage_mois.valeur} mois (projet de santé)"
            else:  # no deployment calendar: the ACI's latest start, an assumption
                start = (
                    f"au plus tard {m.demarrage_mois.valeur} mois (ACI, {m.demarrage_mois.statut})"
                )
        table.add_row(
            escape(m.libelle),
            escape(m.categorie or "hors ACI"),
            escape(fixe),
            escape(variable),
            escape(start),
            escape(" ; ".join(sources)),
        )
    out.print()
    out.print(table)
    notes = {m.fixe.note for m in r.missions if m.fixe.note and m.fixe.valeur is None}
    for note in sorted(notes):
        out.print(f"[dim]{escape(note)}[/]")


def _example(out, ex) -> None:
    from rich.markup import escape
    from rich.table import Table

    from cpts_cli.funding.model import amount_text

    table = Table(title=escape(f"{ex.libelle} ({ex.statut})"), title_justify="left")
    table.add_column("Mission")
    table.add_column("Part fixe", justify="right")
    table.add_column("Part variable", justify="right")
    for m in ex.missions:
        table.add_row(
            escape(m.libelle),
            escape(amount_text(m.fixe, with_status=False) + " (exemple)"),
            escape(amount_text(m.variable, with_status=False) + " (exemple)"),
        )
    table.add_row(
        "Fonctionnement",
        escape(amount_text(ex.fonctionnement, with_status=False) + " (exemple)"),
        "",
    )
    out.print()
    out.print(f"[bold yellow]{escape(ex.avertissement)}[/]")
    out.print(table)
    out.print(f"[dim]Source : {escape(ex.source)}[/]")


def _calendar(out, r) -> None:
    from rich.markup import escape
    from rich.table import Table

    from cpts_cli.funding.model import MAXIMUM, POSTE_LABELS, euros

    cal = r.calendrier
    out.print()
    if cal.message:
        out.print(f"[bold]Calendrier des versements :[/] {escape(cal.message)}")
        return
    table = Table(
        title=f"Calendrier des versements ({escape(cal.statut)} — {escape(cal.source)})",
        title_justify="left",
    )
    table.add_column("Date")
    table.add_column("Année", justify="right")
    table.add_column("Poste")
    table.add_column("Mission")
    table.add_column("Montant", justify="right")
    table.add_column("Nature")
    table.add_column("")
    for p in cal.versements:
        amount = euros(p.montant)
        if p.certitude == MAXIMUM:
            amount = f"≤ {amount}"
        nature = p.nature if p.certitude != MAXIMUM else f"{p.nature} (maximum)"
        if p.certitude == "calculé":
            nature = f"{p.nature} (acquise)"
        when = _short_date(p.date)
        if p.poste == "part_variable":
            when = f"après le {when}"
        table.add_row(
            when,
            str(p.annee),
            POSTE_LABELS[p.poste],
            escape(p.mission_libelle or "—"),
            amount,
            nature,
            "échu" if p.echu and p.poste != "part_variable" else "",
        )
    out.print(table)
    years = Table(title="Par année de contrat", title_justify="left")
    years.add_column("Année", justify="right")
    years.add_column("Période")
    years.add_column("Fonctionnement", justify="right")
    years.add_column("Parts fixes", justify="right")
    years.add_column("Parts variables", justify="right")
    years.add_column("Total", justify="right")
    years.add_column("Versé pendant l'année", justify="right")
    years.add_column("Crises (non comptée)", justify="right")
    for y in cal.annees:
        variable = euros(y.variable)
        if y.variable_certitude == MAXIMUM:
            variable = f"≤ {variable}"
        elif y.variable_certitude == "calculé":
            variable = f"{variable} (acquise)"
        years.add_row(
            str(y.annee),
            f"{_short_date(y.debut)} → {_short_date(y.fin)}",
            euros(y.fonctionnement),
            euros(y.fixe),
            variable,
            euros(y.total),
            euros(y.verse_pendant),
            euros(y.variable_crise_non_comptee) if y.variable_crise_non_comptee else "—",
        )
    out.print()
    out.print(years)
    out.print(
        "[dim]« ≤ » : part variable maximale, si tous les indicateurs sont atteints ; elle est "
        "versée après l'année, au dialogue de gestion. « échu » : date passée (d'après le "
        "contrat, pas d'après vos relevés bancaires).[/]"
    )


def _earned(out, year) -> None:
    from rich.markup import escape
    from rich.table import Table

    from cpts_cli.funding.model import euros

    span = ""
    if year.debut and year.fin:
        span = f", du {_short_date(year.debut)} au {_short_date(year.fin)}"
    crisis = "crise reconnue par l'ARS" if year.crise_reconnue else "pas de crise reconnue"
    table = Table(
        title=escape(f"Part variable acquise — année {year.annee}{span} ({crisis})"),
        title_justify="left",
    )
    table.add_column("Mission / indicateur")
    table.add_column("Type")
    table.add_column("Niveau atteint")
    table.add_column("Part", justify="right")
    table.add_column("Montant au contrat", justify="right")
    table.add_column("Acquis", justify="right")
    for m in year.missions:
        cap = euros(m.plafond) if m.plafond is not None else "—"
        table.add_row(
            f"[bold]{escape(m.libelle)}[/]",
            "",
            "",
            "",
            f"plafond {cap}",
            f"[bold]{euros(m.acquis)}[/]",
        )
        if m.note:
            table.add_row(f"[dim]  {escape(m.note)}[/]", "", "", "", "", "")
        for i in m.indicateurs:
            share = "—" if i.part is None else f"{i.part * 100:g} %".replace(".", ",")
            table.add_row(
                escape(f"  {i.id} {i.libelle}"),
                escape(i.type or "?"),
                escape(i.niveau_atteint or "—"),
                share,
                euros(i.montant) if i.montant is not None else "—",
                euros(i.montant_acquis),
            )
            if i.note:
                table.add_row(f"[dim]    {escape(i.note)}[/]", "", "", "", "", "")
    table.add_row("[bold]Total[/]", "", "", "", "", f"[bold]{euros(year.total)}[/]")
    out.print()
    out.print(table)
    out.print(f"[dim]{escape(year.statut)} — {escape(year.source)}. {escape(year.note)}[/]")


def _short_date(iso: str | None) -> str:
    if not iso:
        return "—"
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"
