"""Step 4 — the priorities: problems drawn from the findings, by mission."""

from __future__ import annotations

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source


def priorities(src: Source, diagnostic: dict) -> dict:
    node = src.section("priorites")
    by_constat = diagnostic["par_constat"]
    problems = []
    for p in values.mappings(node.get("problematiques")):
        ids = values.texts(p.get("constats"))
        mission = values.text(p.get("mission"))
        problems.append(
            {
                "id": values.text(p.get("id")),
                "libelle": values.text(p.get("libelle")),
                "constats": [
                    {"id": c, "libelle": (by_constat.get(c) or {}).get("libelle")} for c in ids
                ],
                "mission": mission,
                "mission_libelle": src.mission_label(mission),
            }
        )
    reasons = values.mapping(node.get("missions_sans_problematique"))
    by_mission = []
    for m in src.rules.missions.values():
        members = [p for p in problems if p["mission"] == m.code]
        reason = values.text(reasons.get(m.code))
        if members or reason or m.socle:
            by_mission.append(
                {
                    "code": m.code,
                    "libelle": src.mission_label(m.code),
                    "socle": m.socle,
                    "problematiques": members,
                    "raison_sans_problematique": reason,
                }
            )
    return {
        "problematiques": problems,
        "par_id": {p["id"]: p for p in problems if p["id"]},
        "par_mission": by_mission,
    }
