"""The 9 steps of a CPTS project, declared once: status, next, guide, render and the docs
read this table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    number: int
    id: str
    label: str
    #: The deliverable ``cpts render --doc`` writes once this step is reached (or None).
    deliverable: str | None
    #: The top-level section of the project file this step fills.
    section: str
    #: What to do next, shown by ``cpts status`` while the step is in progress.
    action: str
    #: The step done, as a project's history says it (None: an event of its own says it,
    #: the letter sent or the presentations).
    event: str | None = None


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "territoire",
        "Identifier un territoire",
        None,
        "territoire",
        "Listez les communes ou intercommunalités du territoire et justifiez ce choix.",
        event="Territoire du projet arrêté",
    ),
    Step(
        2,
        "mobilisation",
        "Mobiliser les acteurs",
        None,
        "mobilisation",
        "Recensez les professionnels impliqués, les structures et les réunions tenues.",
        event="Professionnels et structures du territoire mobilisés",
    ),
    Step(
        3,
        "diagnostic",
        "Réaliser un diagnostic de territoire",
        "diagnostic",
        "diagnostic",
        "Rassemblez les indicateurs (valeur, année, source, référence) et rédigez les constats.",
        event="Diagnostic de territoire achevé",
    ),
    Step(
        4,
        "priorites",
        "Identifier les problématiques prioritaires",
        None,
        "priorites",
        "Reliez chaque problématique à des constats et à une mission ACI.",
        event="Problématiques prioritaires retenues",
    ),
    Step(
        5,
        "lettre_intention",
        "Rédiger une lettre d'intention à l'ARS",
        "lettre-intention",
        "lettre_intention",
        "Complétez la lettre d'intention (orientations, calendrier, moyens, signataires) puis "
        "« cpts render --doc lettre-intention ».",
    ),
    Step(
        6,
        "presentation",
        "Présenter le projet de CPTS",
        "presentation",
        "presentation",
        "Présentez le projet à l'ARS et à l'Assurance Maladie et notez leur avis.",
    ),
    Step(
        7,
        "projet_sante",
        "Formaliser un projet de santé",
        "projet-sante",
        "projet_sante",
        "Rédigez le projet de santé : les 10 points de l'instruction DGOS, les "
        "fiches-actions, l'association et le calendrier.",
        event="Projet de santé achevé",
    ),
    Step(
        8,
        "validation",
        "Obtenir la validation par l'ARS",
        "dossier-aci",
        "validation",
        "Notez la décision de l'ARS (ou la date d'envoi du projet) puis le contrat ACI "
        "signé et ses montants.",
        event="Contrat ACI signé",
    ),
    Step(
        9,
        "mise_en_oeuvre",
        "Mettre en œuvre son projet de santé",
        "rapport-annuel",
        "mise_en_oeuvre",
        "Chaque année de contrat, notez le résultat de chaque indicateur et ses preuves.",
    ),
)

STEP_BY_ID: dict[str, Step] = {s.id: s for s in STEPS}
STEP_IDS: tuple[str, ...] = tuple(s.id for s in STEPS)
DELIVERABLES: dict[str, Step] = {s.deliverable: s for s in STEPS if s.deliverable}


def step(step_id: str) -> Step:
    return STEP_BY_ID[step_id]


def steps_up_to(step_id: str) -> tuple[Step, ...]:
    n = STEP_BY_ID[step_id].number
    return tuple(s for s in STEPS if s.number <= n)


#: The top-level keys of the project file, in the order the SPEC gives them.
TOP_LEVEL_KEYS: tuple[str, ...] = ("format", "aci", "cpts", "etapes") + tuple(
    s.section for s in STEPS
)


def top_level_position(keys: list[str], key: str) -> int:
    """Where a missing top-level ``key`` goes among the file's ``keys``: before the first key
    that the SPEC orders after it (unknown keys are passed over)."""
    rank = TOP_LEVEL_KEYS.index(key)
    for i, existing in enumerate(keys):
        if existing in TOP_LEVEL_KEYS and TOP_LEVEL_KEYS.index(existing) > rank:
            return i
    return len(keys)
