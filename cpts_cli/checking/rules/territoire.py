"""Step 1 — the territory (codes resolved against the embedded COG reference)."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, rule
from cpts_cli.referentiel import store
from cpts_cli.support.formatting import thousands
from cpts_cli.territory.summary import as_code

STEP = "territoire"


def _name(code: str) -> str:
    commune = store.commune(code)
    return f"{commune.nom} ({code})" if commune else code


@rule(
    "CPTS-T001",
    step=STEP,
    title="Code commune inconnu",
    message="Code commune inconnu : « {code} »{hint}.",
)
def unknown_commune(ctx: Context):
    """Un code de commune doit exister dans le Code officiel géographique (COG 2026).

    Incorrect : `communes: ["21999"]`. Correct : `communes: ["21231"]` (Dijon) ; la commande
    `cpts territory search` retrouve un code à partir du nom.
    """
    for ptr, resolution in ctx.territory.unknown_communes:
        suggestions = [_name(c) for c in resolution.suggestions[:3]]
        hint = f" ; codes proches : {', '.join(suggestions)}" if suggestions else ""
        yield hit(ptr, code=resolution.code, hint=hint)


@rule(
    "CPTS-T002",
    step=STEP,
    severity="warning",
    title="Ancien code de commune",
    message="« {code} » est un ancien code : la commune est aujourd'hui {nom} ({current}) ; "
    "remplacez le code.",
)
def old_commune_code(ctx: Context):
    """Les communes fusionnent chaque année : un ancien code est reconnu, mais l'ARS attend le
    code de la commune actuelle.

    Incorrect : `"20004"` (ancien code corse). Correct : `"2A004"` (Ajaccio).
    """
    for ptr, resolution in _replaced(ctx, store.OLD_CODE):
        yield _replacement(ptr, resolution)


@rule(
    "CPTS-T003",
    step=STEP,
    severity="warning",
    title="Commune déléguée ou associée",
    message="« {code} » est la commune déléguée ou associée {ancien} : écrivez le code de la "
    "commune nouvelle {nom} ({current}).",
)
def delegated_commune(ctx: Context):
    """Une commune déléguée (ou associée) fait partie d'une commune nouvelle : c'est la commune
    nouvelle qui compte.

    Incorrect : le code d'une commune déléguée. Correct : le code de sa commune nouvelle.
    """
    for ptr, resolution in _replaced(ctx, store.COMMUNE_DELEGUEE, store.COMMUNE_ASSOCIEE):
        yield _replacement(ptr, resolution, ancien=resolution.former_nom or "")


def _replaced(ctx: Context, *statuses: str):
    """The codes of the territory replaced by a current commune, of one of ``statuses``."""
    for ptr, resolution in ctx.territory.replaced_codes:
        if resolution.status in statuses:
            yield ptr, resolution


def _replacement(ptr: str, resolution, **values: str):
    """A replaced code, named with the commune that replaces it."""
    return hit(
        ptr,
        code=resolution.code,
        nom=resolution.commune.nom,
        current=resolution.commune.code,
        **values,
    )


@rule(
    "CPTS-T004",
    step=STEP,
    title="Ville et arrondissements comptés deux fois",
    message="{ville} est donnée entière ({code}) et par arrondissement ({arrs}) : la "
    "population serait comptée deux fois ; gardez l'un ou l'autre.",
)
def city_and_arrondissements(ctx: Context):
    """Paris, Lyon et Marseille se découpent en arrondissements municipaux : une CPTS couvre des
    arrondissements, ou la ville entière, pas les deux.

    Incorrect : `["75056", "75113"]`. Correct : `["75113", "75114"]`.
    """
    t = ctx.territory
    for code, arrs in t.double_counted_cities():
        origin = t.members[code].origins[0]
        yield hit(origin, ville=t.members[code].commune.nom, code=code, arrs=", ".join(arrs))


@rule(
    "CPTS-T005",
    step=STEP,
    title="Commune comptée deux fois",
    message="{nom} est déjà dans le territoire ({where}) : elle ne doit y figurer qu'une fois.",
)
def duplicate_commune(ctx: Context):
    """Chaque commune compte une fois, qu'elle soit donnée directement ou par son
    intercommunalité.

    Incorrect : `communes: ["21231"]` avec `epci: ["242100410"]` (Dijon Métropole contient
    Dijon). Correct : l'un ou l'autre.
    """
    for code, ptr, first in ctx.territory.duplicates:
        where = _describe(ctx, first)
        yield hit(ptr, nom=_name(code), where=where)


def _describe(ctx: Context, ptr: str) -> str:
    parts = ptr.strip("/").split("/")
    if len(parts) == 3 and parts[1] == "epci":
        siren = as_code(ctx.get(ptr), 9)
        found = store.epci(siren) if siren else None
        return f"par l'intercommunalité {found.nom if found else siren}"
    return f"communes, position {int(parts[2]) + 1}" if len(parts) == 3 else ptr


@rule(
    "CPTS-T006",
    step=STEP,
    title="Intercommunalité inconnue",
    message="Intercommunalité inconnue : SIREN « {siren} » ; « cpts territory search » "
    "retrouve une intercommunalité par son nom.",
)
def unknown_epci(ctx: Context):
    """Un EPCI est désigné par son numéro SIREN (9 chiffres) au 1er janvier 2026.

    Incorrect : `epci: ["242100411"]`. Correct : `epci: ["242100410"]` (Dijon Métropole).
    """
    for ptr, siren in ctx.territory.unknown_epci:
        yield hit(ptr, siren=siren)


@rule(
    "CPTS-T008",
    step=STEP,
    title="Justification absente",
    message="La justification du territoire manque : expliquez pourquoi ce territoire "
    "(bassin de vie, habitudes des patients, coopérations existantes).",
)
def missing_justification(ctx: Context):
    """L'ARS juge la pertinence du territoire sur sa justification écrite.

    Incorrect : pas de `justification`. Correct : `justification: Le territoire suit le bassin
    de vie…`.
    """
    if not filled(ctx.get("/territoire/justification")):
        yield hit("/territoire/justification")


@rule(
    "CPTS-T009",
    step=STEP,
    title="ARS référente à désigner",
    message="Le territoire relève de plusieurs ARS ({ars}) : indiquez laquelle pilote le "
    "dossier dans « ars_referente ».",
)
def several_ars(ctx: Context):
    """Un territoire à cheval sur deux régions relève de deux ARS : l'une d'elles est
    référente.

    Incorrect : des communes de Côte-d'Or et de Haute-Marne sans `ars_referente`.
    Correct : `ars_referente: bourgogne_franche_comte`.
    """
    ars = ctx.territory.ars
    if len(ars) > 1 and not filled(ctx.get("/territoire/ars_referente")):
        yield hit("/territoire/ars_referente", ars=", ".join(a.libelle for a in ars))


@rule(
    "CPTS-T010",
    step=STEP,
    title="ARS référente hors du territoire",
    message="L'ARS référente « {code} » ne couvre aucune commune du territoire ; ARS "
    "concernées : {ars}.",
)
def foreign_ars(ctx: Context):
    """L'ARS référente est l'une des ARS dont relèvent les communes du territoire.

    Incorrect : `ars_referente: grand_est` pour un territoire tout en Côte-d'Or.
    Correct : `ars_referente: bourgogne_franche_comte`.
    """
    code = ctx.get("/territoire/ars_referente")
    ars = ctx.territory.ars
    if isinstance(code, str) and ars and code not in {a.code for a in ars}:
        yield hit("/territoire/ars_referente", code=code, ars=", ".join(a.libelle for a in ars))


@rule(
    "CPTS-T011",
    step=STEP,
    title="Commune sans ARS",
    message="{nom} relève d'une collectivité sans ARS (département {dep}) : une CPTS ne peut "
    "pas y être créée.",
)
def commune_without_ars(ctx: Context):
    """Saint-Pierre-et-Miquelon, Wallis-et-Futuna, la Polynésie et la Nouvelle-Calédonie n'ont
    pas d'ARS : pas de CPTS.

    Incorrect : `"97502"`. Correct : une commune d'un département.
    """
    t = ctx.territory
    without = set(t.departements_without_ars)
    for code, member in sorted(t.members.items()):
        if member.commune.departement in without:
            yield hit(member.origins[0], nom=_name(code), dep=member.commune.departement)


@rule(
    "CPTS-T012",
    step=STEP,
    title="Population sans donnée",
    message="La population de {nom} n'est pas publiée dans le référentiel : indiquez la "
    "population du territoire avec sa source (« population: valeur, source »).",
)
def missing_population(ctx: Context):
    """Quelques collectivités d'outre-mer n'ont pas de population légale publiée : la
    population du territoire ne peut alors pas être calculée (jamais comptée comme 0).

    Incorrect : une commune sans population et pas de `population`. Correct :
    `population: {valeur: 1200, source: "Recensement local 2022"}`.
    """
    t = ctx.territory
    if t.override is not None:
        return
    for code in t.communes_without_population:
        yield hit(t.members[code].origins[0], nom=_name(code))


@rule(
    "CPTS-T013",
    step=STEP,
    severity="warning",
    title="Taille ACI proche d'un seuil",
    message="La population retenue ({population} habitants) est à moins de 2 % du seuil de "
    "{bound} habitants entre deux tailles ACI : la taille {taille} est {note}.",
)
def near_tier_bound(ctx: Context):
    """Les bornes exactes des tailles ACI (40 000, 80 000, 175 000 habitants) ne sont pas
    tranchées par les textes consultés : près d'un seuil, vérifiez avec la CPAM.

    Incorrect : rien d'incorrect, c'est un avertissement (79 000 habitants : taille 2 ou 3 ?).
    """
    population = ctx.territory.population
    if not population:
        return
    result = ctx.territory.tier(ctx.aci)
    if result is not None and result.near_bound:
        yield hit(
            "/territoire",
            population=thousands(population),
            bound=thousands(result.near_bound),
            taille=result.taille,
            note="à confirmer avec la CPAM",
        )
