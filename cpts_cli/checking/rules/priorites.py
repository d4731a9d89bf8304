"""Step 4 — the priority problems, tied to findings and ACI missions."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, rule
from cpts_cli.project.positions import pointer

STEP = "priorites"


@rule(
    "CPTS-P001",
    step=STEP,
    title="Aucune problématique",
    message="Aucune problématique prioritaire : déduisez-les des constats du diagnostic.",
)
def no_problem(ctx: Context):
    """Au moins une problématique prioritaire.

    Incorrect : `problematiques: []`. Correct : `- id: P1` reliée à des constats et à une
    mission.
    """
    if not any(True for _ in ctx.items("/priorites/problematiques")):
        yield hit("/priorites/problematiques")


@rule(
    "CPTS-P002",
    step=STEP,
    title="Problématique sans constat",
    message="La problématique « {id} » n'est reliée à aucun constat.",
)
def problem_without_finding(ctx: Context):
    """Chaque problématique découle d'au moins un constat du diagnostic.

    Incorrect : `- id: P1` sans `constats`. Correct : `constats: [C1]`.
    """
    for i, p in ctx.items("/priorites/problematiques"):
        if not filled(p.get("constats")):
            yield hit(pointer("priorites", "problematiques", i), id=p.get("id", "?"))


@rule(
    "CPTS-P003",
    step=STEP,
    title="Constat inconnu",
    message="La problématique « {id} » renvoie au constat « {ref} », qui n'existe pas dans "
    "le diagnostic.",
)
def unknown_finding(ctx: Context):
    """Les constats cités existent dans `diagnostic.constats`.

    Incorrect : `constats: [C9]` quand il n'y a que C1 à C5.
    """
    ids = {c.get("id") for _, c in ctx.items("/diagnostic/constats")}
    for i, p in ctx.items("/priorites/problematiques"):
        refs = p.get("constats")
        if isinstance(refs, list):
            for j, ref in enumerate(refs):
                if isinstance(ref, str) and ref not in ids:
                    yield hit(
                        pointer("priorites", "problematiques", i, "constats", j),
                        id=p.get("id", "?"),
                        ref=ref,
                    )


@rule(
    "CPTS-P004",
    step=STEP,
    title="Problématique sans mission",
    message="La problématique « {id} » n'est rattachée à aucune mission ACI.",
)
def problem_without_mission(ctx: Context):
    """Chaque problématique se rattache à une mission de l'ACI.

    Incorrect : pas de `mission`. Correct : `mission: acces_soins`.
    """
    for i, p in ctx.items("/priorites/problematiques"):
        if not filled(p.get("mission")):
            yield hit(pointer("priorites", "problematiques", i), id=p.get("id", "?"))


@rule(
    "CPTS-P005",
    step=STEP,
    title="Mission socle sans problématique",
    message="La mission socle « {mission} » n'a ni problématique ni raison écrite dans "
    "« missions_sans_problematique ».",
)
def socle_mission_covered(ctx: Context):
    """Chaque mission socle de l'ACI a au moins une problématique, ou une raison écrite.

    Incorrect : aucune problématique `mission: crises_sanitaires`. Correct : une
    problématique, ou `missions_sans_problematique: {crises_sanitaires: Plan porté par…}`.
    """
    covered = {p.get("mission") for _, p in ctx.items("/priorites/problematiques")}
    reasons = ctx.get("/priorites/missions_sans_problematique") or {}
    for mission in ctx.aci.socle():
        if mission.code not in covered and not filled(
            reasons.get(mission.code) if isinstance(reasons, dict) else None
        ):
            yield hit("/priorites", mission=mission.libelle)


@rule(
    "CPTS-P006",
    step=STEP,
    title="Identifiant en double",
    message="L'identifiant « {id} » est déjà utilisé (position {first}).",
)
def duplicate_ids(ctx: Context):
    """Constats et problématiques ont chacun un identifiant unique, auquel on renvoie.

    Incorrect : deux problématiques `id: P1`.
    """
    for section, key in (("diagnostic", "constats"), ("priorites", "problematiques")):
        seen: dict[str, int] = {}
        for i, item in ctx.items(f"/{section}/{key}"):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident in seen:
                yield hit(pointer(section, key, i, "id"), id=ident, first=seen[ident] + 1)
            else:
                seen[ident] = i


@rule(
    "CPTS-P007",
    step=STEP,
    title="Problématique sans libellé",
    message="La problématique « {id} » n'a pas de libellé.",
)
def problem_label(ctx: Context):
    """Une problématique s'énonce en une phrase.

    Incorrect : `- id: P1` seul. Correct : `libelle: Difficulté d'accès à un médecin
    traitant`.
    """
    for i, p in ctx.items("/priorites/problematiques"):
        if not filled(p.get("libelle")):
            yield hit(pointer("priorites", "problematiques", i), id=p.get("id", "?"))
