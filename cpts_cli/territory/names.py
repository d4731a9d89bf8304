"""A name wherever a code is asked (issue 14, point 2): « Annecy » for 74010, « Grand Lyon »
for 200046977. A code is kept as written; a name is resolved by the reference search
(:func:`cpts_cli.referentiel.finder.resolve`): one match is taken and said, several are listed
with their codes, departments and populations, none gives the nearest names. An ambiguous or
unknown name stops the command before anything is written (exit 2)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from cpts_cli.support.errors import CptsError
from cpts_cli.support.formatting import fmt_int, shortened

#: Digits (an INSEE code, Corsica's 2A/2B included, a SIREN, or a wrong one such as « 1053 »
#: or a postcode): kept as written, for the code checks and their precise messages.
_CODE = re.compile(r"\d[\dAB]?\d*", re.IGNORECASE)
#: What to look for: communes (their arrondissements, old and delegated ones included), EPCI.
COMMUNES = "communes"
EPCI = "epci"


def looks_like_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text.strip()))


def _wanted(kind: str, which: str | None) -> bool:
    if which is None:
        return True
    return (kind == "epci") == (which == EPCI)


def _describe(r) -> str:
    what = "intercommunalité" if r.kind == "epci" else "commune"
    where = f", {r.departement}" if r.departement else ""
    people = f", {fmt_int(r.population)} habitants" if r.population is not None else ""
    return f"{what} {r.code} {r.nom}{where}{people}"


def codes_for(texts: Iterable[str], which: str | None = None) -> tuple[list[str], list[str]]:
    """The codes ``texts`` designate, and what was understood of each name (« « Annecy » :
    commune 74010 Annecy, 74, 132 117 habitants »). Raises CptsError on a name that designates
    several places or none."""
    from cpts_cli.referentiel import finder

    codes: list[str] = []
    said: list[str] = []
    for given in texts:
        text = given.strip()
        if not text:
            continue
        quoted = shortened(text)
        if looks_like_code(text):
            codes.append(text.upper())
            continue
        found, seen = [], set()
        for r in finder.resolve(text):
            if _wanted(r.kind, which) and r.code not in seen:
                seen.add(r.code)
                found.append(r)
        if len(found) == 1:
            codes.append(found[0].code)
            said.append(f"« {quoted} » : {_describe(found[0])}.")
            continue
        if found:
            listed = "\n".join(f"  {_describe(r)}" for r in found[:20])
            more = f"\n  … et {len(found) - 20} autres" if len(found) > 20 else ""
            raise CptsError(
                f"« {quoted} » désigne plusieurs lieux ; donnez le code de celui que vous voulez "
                f"(rien n'a été écrit) :\n{listed}{more}"
            )
        near = [r for r in finder.suggestions(text) if _wanted(r.kind, which)]
        hint = (
            " Noms les plus proches : " + " ; ".join(_describe(r) for r in near) + "."
            if near
            else " Cherchez-le avec « cpts territory search »."
        )
        kind = {COMMUNES: "commune", EPCI: "intercommunalité"}.get(
            which, "commune ni intercommunalité"
        )
        raise CptsError(f"« {quoted} » : aucune {kind} de ce nom (rien n'a été écrit).{hint}")
    return codes, said
