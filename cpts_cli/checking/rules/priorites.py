"""Step 4 — the priority problems, tied to findings and ACI missions."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, rule, scalar

STEP = "priorites"


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
