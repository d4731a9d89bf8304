"""Step 5 — the letter of intent (the items of DOMAIN §5 not derived from earlier steps)."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, parse_date, rule
from cpts_cli.support.formatting import long_date

STEP = "lettre_intention"
BASE = "/lettre_intention"


@rule(
    "CPTS-L002",
    step=STEP,
    title="Orientation manquante pour une mission socle",
    message="La lettre d'intention ne donne pas d'orientation pour la mission socle « {mission} ».",
)
def orientations(ctx: Context):
    """La lettre annonce les grandes orientations de la CPTS pour chaque mission socle de
    l'ACI.

    Incorrect : `orientations: {acces_soins: …}` seulement. Correct : une orientation pour
    chacune des missions socles.
    """
    given = ctx.get(f"{BASE}/orientations") or {}
    for mission in ctx.aci.socle():
        if not filled(given.get(mission.code) if isinstance(given, dict) else None):
            yield hit(f"{BASE}/orientations", mission=mission.libelle)


@rule(
    "CPTS-L006",
    step=STEP,
    title="Contact du porteur absent",
    message="Le porteur du projet n'a {detail} : l'ARS doit pouvoir le joindre.",
)
def holder_contact(ctx: Context):
    """La lettre donne le nom et un moyen de contact (courriel ou téléphone) du porteur.

    Incorrect : `porteur: {nom: Dr Martin}`. Correct : avec `email` ou `telephone`.
    """
    holder = ctx.get("/cpts/porteur") or {}
    if not isinstance(holder, dict) or not filled(holder.get("nom")):
        yield hit("/cpts/porteur", detail="pas de nom")
    elif not filled(holder.get("email")) and not filled(holder.get("telephone")):
        yield hit("/cpts/porteur", detail="ni courriel ni téléphone")


@rule(
    "CPTS-L007",
    step=STEP,
    title="Projets existants non renseignés",
    message="Indiquez les projets existants avec lesquels la CPTS s'articule (CLS, MSP, "
    "DAC…) ; écrivez « projets_existants: [] » s'il n'y en a aucun.",
)
def existing_projects(ctx: Context):
    """La lettre situe la CPTS parmi les projets du territoire (contrat local de santé, MSP,
    DAC…). Une liste vide dit qu'il n'y en a pas.

    Incorrect : la clé `projets_existants` absente. Correct : `projets_existants: [{type: cls,
    nom: CLS du Pays Beaunois}]` ou `projets_existants: []`.
    """
    section = ctx.section("lettre_intention")
    if "projets_existants" not in section:
        yield hit(BASE)


@rule(
    "CPTS-L009",
    step=STEP,
    title="Association déclarée après la date de la lettre",
    message="La lettre d'intention est datée du {lettre}, avant la création de l'association "
    "({creation}) : {conseil}",
)
def association_at_letter_date(ctx: Context):
    """Tant que la lettre n'est pas envoyée, elle ne peut pas être datée d'avant la création
    de l'association si celle-ci est dite « déclarée en préfecture » : l'une des deux dates
    est fausse, ou l'association n'est pas encore déclarée. Une fois la lettre envoyée
    (étape terminée), la lettre produite de nouveau présente l'association telle qu'elle
    était à sa date (« en cours de création ») : il n'y a plus rien à corriger.

    Incorrect : `lettre_intention: {date: 2023-01-16}` avec `association: {statut: declaree,
    date_creation: 2023-03-14}`, lettre non envoyée. Correct : `statut: en_creation` tant que
    l'association n'est pas déclarée, ou la date de création réelle si elle précède la lettre.
    """
    association = ctx.get("/cpts/association")
    letter = parse_date(ctx.get(f"{BASE}/date"))
    if not isinstance(association, dict) or letter is None:
        return
    created = parse_date(association.get("date_creation"))
    if association.get("statut") != "declaree" or created is None or created <= letter:
        return
    record = ctx.get("/etapes/lettre_intention")
    if isinstance(record, dict) and record.get("terminee_le") is not None:
        return
    yield hit(
        f"{BASE}/date",
        lettre=long_date(letter),
        creation=long_date(created),
        conseil="elle ne peut pas présenter l'association comme « déclarée en préfecture ». Si "
        "l'association n'est pas encore déclarée, écrivez « statut: en_creation » (section "
        "cpts, association) ; sinon corrigez la date de la lettre ou la date de création.",
    )
