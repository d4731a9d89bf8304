"""Step 5 — the letter of intent (the items of DOMAIN §5 not derived from earlier steps)."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, rule

STEP = "lettre_intention"
BASE = "/lettre_intention"


@rule(
    "CPTS-L001",
    step=STEP,
    title="Lettre d'intention non datée",
    message="La lettre d'intention n'a pas de date.",
)
def letter_date(ctx: Context):
    """La lettre porte sa date d'envoi.

    Incorrect : pas de `date`. Correct : `date: 2022-12-01`.
    """
    if not filled(ctx.get(f"{BASE}/date")):
        yield hit(f"{BASE}/date")


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
    "CPTS-L003",
    step=STEP,
    title="Calendrier prévisionnel absent",
    message="Le calendrier prévisionnel de la lettre d'intention est vide.",
)
def calendar(ctx: Context):
    """La lettre donne un calendrier prévisionnel (association, projet de santé, contrat).

    Incorrect : `calendrier: []`. Correct : `- {echeance: 2023-03-31, etape: Création de
    l'association}`.
    """
    if not filled(ctx.get(f"{BASE}/calendrier")):
        yield hit(f"{BASE}/calendrier")


@rule(
    "CPTS-L004",
    step=STEP,
    title="Moyens demandés absents",
    message="La lettre d'intention ne dit pas quels moyens et quel accompagnement sont demandés.",
)
def means(ctx: Context):
    """La lettre précise les moyens demandés (FIR, appui juridique, rédaction, gestion de
    projet…).

    Incorrect : pas de `moyens_demandes`. Correct : `- {type: fir, description: …}`.
    """
    if not filled(ctx.get(f"{BASE}/moyens_demandes")):
        yield hit(f"{BASE}/moyens_demandes")


@rule(
    "CPTS-L005",
    step=STEP,
    title="Aucun signataire",
    message="La lettre d'intention n'a aucun signataire.",
)
def signatories(ctx: Context):
    """La lettre est signée par le porteur et, souvent, les professionnels fondateurs.

    Incorrect : `signataires: []`. Correct : `- {nom: Dr Claire Martin, fonction: porteuse}`.
    """
    if not filled(ctx.get(f"{BASE}/signataires")):
        yield hit(f"{BASE}/signataires")


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
    "CPTS-L008",
    step=STEP,
    title="Acteurs à associer non renseignés",
    message="Indiquez les acteurs qu'il reste à associer (« acteurs_a_associer »).",
)
def actors_to_involve(ctx: Context):
    """La lettre dit qui est déjà engagé (les acteurs recensés) et qui reste à associer.

    Incorrect : pas de `acteurs_a_associer`. Correct : `acteurs_a_associer: Les
    chirurgiens-dentistes et le centre hospitalier…`.
    """
    if not filled(ctx.get(f"{BASE}/acteurs_a_associer")):
        yield hit(f"{BASE}/acteurs_a_associer")
