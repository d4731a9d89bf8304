"""Step 4 — the priority problems, tied to findings and ACI missions."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, rule, scalar
from cpts_cli.project.positions import pointer

STEP = "priorites"


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
    ids = {scalar(c.get("id")) for _, c in ctx.items("/diagnostic/constats")}
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
    covered = {scalar(p.get("mission")) for _, p in ctx.items("/priorites/problematiques")}
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
