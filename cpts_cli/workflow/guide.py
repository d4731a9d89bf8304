"""``cpts guide``: the step texts (data/guide.yaml) plus what the rules check, generated."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from cpts_cli.support.errors import CptsError
from cpts_cli.workflow.steps import STEP_BY_ID, STEPS


@lru_cache(maxsize=1)
def _texts() -> dict:
    from ruamel.yaml import YAML

    path = resources.files("cpts_cli") / "data" / "guide.yaml"
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def checks_for(step_id: str) -> list[str]:
    """What ``cpts validate`` checks at this step: the titles of its rules."""
    from cpts_cli.checking.rules import RULES

    return [f"{r.code.title} ({r.code.code})" for r in RULES.values() if r.step == step_id]


def guide_data(etape: str | None) -> dict:
    texts = _texts()
    if etape is None:
        return {
            "etape": None,
            "introduction": texts["introduction"].strip(),
            "etapes": [{"numero": s.number, "id": s.id, "libelle": s.label} for s in STEPS],
        }
    step = STEP_BY_ID.get(etape)
    if step is None and etape.isdigit() and 1 <= int(etape) <= len(STEPS):
        step = STEPS[int(etape) - 1]
    if step is None:
        import difflib

        ids = [s.id for s in STEPS]
        close = difflib.get_close_matches(etape, ids, n=1)
        hint = f" Vouliez-vous dire « {close[0]} » ?" if close else ""
        raise CptsError(f"Étape inconnue : « {etape} ».{hint} Étapes : " + ", ".join(ids) + ".")
    entry = texts["etapes"][step.id]
    return {
        "etape": step.id,
        "numero": step.number,
        "libelle": step.label,
        "resume": entry.get("resume", ""),
        "a_faire": entry.get("a_faire", []),
        "contacts": entry.get("contacts", []),
        "financement": entry.get("financement", []),
        "conseils": entry.get("conseils", []),
        "verifications": checks_for(step.id),
        "commandes": entry.get("commandes", []),
        "livrable": step.deliverable,
    }
