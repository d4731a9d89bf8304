"""The template context: the project's data plus everything derived from it.

Templates see plain dicts and lists with French keys (like the project file), always
complete: every key a template may read is present (``None`` or an empty list when the user
has not written it), whatever the state of the file, so that a draft of a half-filled project
renders. Labels come from the schema's vocabularies, territory figures from the reference
data, deadlines and amounts from the ACI data file. Nothing here formats text for Markdown:
the template filters do.

One module per section of the context, in step order (as :mod:`cpts_cli.checking.rules` is
per step): :mod:`.identity`, :mod:`.territory`, :mod:`.aci`, :mod:`.mobilisation`,
:mod:`.diagnostic`, :mod:`.priorities`, :mod:`.letter`, :mod:`.presentation`,
:mod:`.health_project`, :mod:`.validation` and :mod:`.contract`, :mod:`.implementation`;
what they share is in :mod:`.base`.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from cpts_cli.documents.context import values
from cpts_cli.documents.context.aci import aci
from cpts_cli.documents.context.base import Source
from cpts_cli.documents.context.diagnostic import CHART_SIZE, diagnostic
from cpts_cli.documents.context.grid import grid
from cpts_cli.documents.context.health_project import health_project
from cpts_cli.documents.context.history import history
from cpts_cli.documents.context.identity import cpts
from cpts_cli.documents.context.implementation import funding, implementation
from cpts_cli.documents.context.letter import letter
from cpts_cli.documents.context.mobilisation import actors, establishments, meetings, structures
from cpts_cli.documents.context.presentation import presentation
from cpts_cli.documents.context.priorities import priorities
from cpts_cli.documents.context.territory import territory, territory_map
from cpts_cli.documents.context.validation import validation

__all__ = ["CHART_SIZE", "build_context", "slugify"]

#: The vocabularies templates may read (``vocabulaire.<name>``).
VOCABULARIES = (
    "mission",
    "profession",
    "type_structure",
    "theme",
    "maille",
    "niveau",
    "decision",
    "type_moyen",
)


def build_context(plain: Any, *, today: _dt.date | None = None) -> dict:
    """The context shared by all deliverables of one project (plain data in, plain data out)."""
    from cpts_cli.support import dates

    return _build(Source(plain if isinstance(plain, dict) else {}, today or dates.today()))


def _build(src: Source) -> dict:
    ctx: dict[str, Any] = {
        "aujourdhui": src.today.isoformat(),
        "cpts": cpts(src),
    }
    ctx["territoire"] = territory(src)
    ctx["aci"] = aci(src, ctx["territoire"]["taille"])
    ctx["acteurs"] = actors(src)
    mobilisation = src.section("mobilisation")
    ctx["structures"] = structures(src, mobilisation.get("structures"))
    ctx["etablissements"] = establishments(
        structures(src, mobilisation.get("structures"), imported=True)
    )
    ctx["reunions"] = meetings(src, mobilisation.get("reunions"))
    ctx["carte"] = territory_map(ctx["territoire"], mobilisation.get("structures"))
    ctx["diagnostic"] = diagnostic(src)
    ctx["priorites"] = priorities(src, ctx["diagnostic"])
    ctx["lettre"] = letter(src, ctx["territoire"])
    ctx["presentation"] = presentation(src)
    ctx["financement"] = funding(src)
    ctx["projet_sante"] = health_project(src, ctx["priorites"], ctx["financement"])
    ctx["validation"] = validation(src)
    ctx["aci"]["grille"] = grid(src, ctx["validation"]["contrat"], ctx["territoire"]["taille"])
    ctx["mise_en_oeuvre"] = implementation(
        src, ctx["validation"], ctx["financement"], ctx["projet_sante"]["budget"]
    )
    ctx["etapes"] = steps(src)
    ctx["historique"] = history(ctx)
    ctx["vocabulaire"] = {name: src.v[name] for name in VOCABULARIES}
    return ctx


def steps(src: Source) -> list[dict]:
    from cpts_cli.workflow.steps import STEPS

    records = src.section("etapes")
    return [
        {
            "numero": s.number,
            "id": s.id,
            "libelle": s.label,
            "evenement": s.event,
            "terminee_le": values.date(values.mapping(records.get(s.id)).get("terminee_le")),
        }
        for s in STEPS
    ]


def slugify(text: Any, fallback: str = "cpts") -> str:
    """A safe file or folder name (ASCII letters, digits and dashes)."""
    return values.slug(text) if values.text(text) and values.slug(text) != "x" else fallback
