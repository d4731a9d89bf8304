"""Step 2 — mobilising the actors."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, rule, scalar
from cpts_cli.project.positions import pointer
from cpts_cli.referentiel import store

STEP = "mobilisation"
DOCTORS = ("medecin_generaliste", "medecin_specialiste")


@rule(
    "CPTS-M001",
    step=STEP,
    title="Moins de deux professions",
    message="{constat} : une CPTS réunit au moins deux professions de santé.",
)
def two_professions(ctx: Context):
    """Une CPTS est pluriprofessionnelle : au moins deux professions parmi les acteurs.

    Incorrect : trois médecins généralistes seulement. Correct : des médecins et des
    infirmiers.
    """
    professions = {
        a.get("profession")
        for _, a in ctx.items("/mobilisation/acteurs")
        if isinstance(a.get("profession"), str)
    }
    if len(professions) < 2:
        constat = (
            "Les acteurs recensés sont tous de la même profession"
            if professions
            else "Aucun acteur recensé n'a de profession indiquée"
        )
        yield hit("/mobilisation/acteurs", constat=constat)


@rule(
    "CPTS-M002",
    step=STEP,
    title="Aucun médecin",
    message="Aucun médecin parmi les acteurs : la CPTS doit associer au moins un médecin.",
)
def at_least_one_doctor(ctx: Context):
    """Au moins un acteur est médecin (généraliste ou spécialiste).

    Incorrect : infirmiers et pharmaciens seulement. Correct : `profession:
    medecin_generaliste` pour au moins un acteur.
    """
    if not any(
        scalar(a.get("profession")) in DOCTORS for _, a in ctx.items("/mobilisation/acteurs")
    ):
        yield hit("/mobilisation/acteurs")


@rule(
    "CPTS-M005",
    step=STEP,
    severity="warning",
    title="Acteur exerçant hors du territoire",
    message="{nom} exerce à {commune}, hors du territoire de la CPTS : notez pourquoi il "
    "participe (« hors_territoire »).",
)
def actor_outside(ctx: Context):
    """La commune d'exercice d'un acteur est normalement dans le territoire ; un acteur
    extérieur est possible (spécialiste, établissement voisin) : sa raison, écrite dans
    `hors_territoire`, lève l'avertissement.

    Incorrect (avertissement) : `commune: "75113"` pour une CPTS de Côte-d'Or, sans raison.
    Correct : `hors_territoire: Cardiologue de recours des patients du territoire`.
    """
    t = ctx.territory
    if t.is_empty:
        return
    members = set(t.members)
    for i, actor in ctx.items("/mobilisation/acteurs"):
        if filled(actor.get("hors_territoire")):
            continue
        commune = outside_territory(actor.get("commune"), members)
        if commune is not None:
            yield hit(
                pointer("mobilisation", "acteurs", i, "commune"),
                nom=_who(actor),
                commune=f"{commune.nom} ({actor['commune']})",
            )


def outside_territory(code, members) -> store.Commune | None:
    """The commune ``code`` names when it is known and outside ``members`` (a city's
    arrondissement counts as the city), else None."""
    if not isinstance(code, str):
        return None
    resolution = store.resolve_commune(code)
    commune = resolution.commune
    if commune is None or commune.code in members or commune.commune_parente in members:
        return None
    return commune


def _who(actor: dict) -> str:
    return " ".join(str(actor.get(k)) for k in ("prenom", "nom") if actor.get(k)) or "?"


@rule(
    "CPTS-M006",
    step=STEP,
    title="Commune d'exercice inconnue",
    message="Code commune inconnu pour {nom} : « {code} ».",
)
def actor_unknown_commune(ctx: Context):
    """La commune d'exercice est un code INSEE existant.

    Incorrect : `commune: "21999"`. Correct : `commune: "21166"`.
    """
    for key in ("acteurs", "structures"):
        for i, item in ctx.items(f"/mobilisation/{key}"):
            code = item.get("commune")
            if isinstance(code, str) and not store.resolve_commune(code).is_known:
                yield hit(
                    pointer("mobilisation", key, i, "commune"),
                    nom=_who(item) if key == "acteurs" else item.get("nom", "?"),
                    code=code,
                )
