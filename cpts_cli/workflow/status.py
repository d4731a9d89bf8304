"""``cpts status``: where a project stands, as plain data (text and JSON print this)."""

from __future__ import annotations

from cpts_cli.checking.check import G_NO_LONGER_COMPLETE, FileReport, step_of
from cpts_cli.checking.findings import Severity


def status_to_dict(report: FileReport) -> dict:
    if not report.parsed or not report.steps:
        return {
            "fichier": report.file,
            "lisible": report.parsed,
            "cpts": None,
            "etape": None,
            "etapes": [],
            "etape_en_cours": None,
            "manquants": [],
            "alertes": [],
            "prochaine_action": "Corrigez le fichier (voir cpts validate).",
            "constats": [f.to_dict() for f in report.findings],
        }
    data = report.document.plain if report.document else {}
    nom = data.get("cpts", {}).get("nom") if isinstance(data.get("cpts"), dict) else None
    steps = []
    for state in report.steps:
        steps.append(
            {
                "numero": state.step.number,
                "id": state.step.id,
                "libelle": state.step.label,
                "etat": state.status,
                "terminee_le": state.done_on,
                "complete": state.complete,
                "manquants": [f.to_dict() for f in state.missing],
            }
        )
    current = next((s for s in report.steps if s.status == "en_cours"), None)
    general = [f for f in report.findings if f.severity is Severity.ERROR and step_of(f) is None]
    missing = (current.missing + general) if current else []
    alerts = [f.message for f in report.findings if f.code == G_NO_LONGER_COMPLETE.code]
    action = next_action(report)
    return {
        "fichier": report.file,
        "lisible": True,
        "cpts": nom,
        "territoire": _territory_summary(report),
        "etape": report.current,
        "etapes": steps,
        "etape_en_cours": (
            {"id": current.step.id, "numero": current.step.number, "libelle": current.step.label}
            if current
            else None
        ),
        "manquants": [f.to_dict() for f in missing],
        "alertes": alerts,
        "prochaine_action": action,
    }


def next_action(report: FileReport) -> str:
    """What to do next on the project as a whole (``cpts status``, the end of ``cpts fill``)."""
    if not report.parsed or not report.steps:
        return "Corrigez le fichier (voir cpts validate)."
    current = next((s for s in report.steps if s.status == "en_cours"), None)
    general = [f for f in report.findings if f.severity is Severity.ERROR and step_of(f) is None]
    broken = next(
        (s for s in report.steps if s.status == "terminee" and not s.complete and s.missing), None
    )
    if broken is not None:
        return (
            f"Reprenez l'étape {broken.step.number} « {broken.step.label} » : terminée le "
            f"{broken.done_on}, elle n'est plus complète (détail : cpts validate)."
        )
    if current is None:
        return (
            "Toutes les étapes sont terminées : chaque année de contrat, notez les "
            "résultats (mise_en_oeuvre) et produisez le rapport annuel."
        )
    if current.complete and not general:
        return (
            f"L'étape « {current.step.label} » est complète : lancez « cpts next » "
            "pour l'enregistrer."
        )
    return current.step.action


def _territory_summary(report: FileReport) -> dict | None:
    """Communes, population, tier and ARS: what a user wants to see at a glance."""
    from cpts_cli.territory.info import territory_info

    if report.document is None:
        return None
    try:
        info = territory_info(report.document)
    except Exception:  # noqa: BLE001 - a summary must never stop the status
        return None
    if not info.communes:
        return None
    return {
        "communes": len(info.communes),
        "population": info.population.valeur,
        "taille": info.tier.taille if info.tier else None,
        "ars": [a.libelle for a in info.ars],
    }
