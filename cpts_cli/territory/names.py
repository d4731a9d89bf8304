"""A name wherever a code is asked (issue 14, point 2): « Annecy » for 74010, « Grand Lyon »
for 200046977. A code is kept as written; a name is resolved by the reference search
(:func:`cpts_cli.referentiel.finder.resolve`): one match is taken and said, several are listed
with their codes, departments and populations, none gives the nearest names. An ambiguous or
unknown name stops the command before anything is written (exit 2)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

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


_KIND_WORDS = {
    "epci": "intercommunalité",
    "commune-deleguee": "commune déléguée",
    "commune-associee": "commune associée",
}


def describe(r) -> str:
    """« commune 74010 Annecy, 74, 132 117 habitants »; a déléguée or associée names the
    commune whose code is written: « commune déléguée Talloires, de la commune 74275
    Talloires-Montmin, 74, 1 903 habitants »."""
    from cpts_cli.referentiel import store

    what = _KIND_WORDS.get(r.kind, "commune")
    where = f", {r.departement}" if r.departement else ""
    parent = (
        store.commune(r.commune_parente) if r.kind in _KIND_WORDS and r.kind != "epci" else None
    )
    if parent is not None and r.commune_parente:
        people = f", {fmt_int(parent.population)} habitants" if parent.population else ""
        return f"{what} {r.nom}, de la commune {parent.code} {parent.nom}{where}{people}"
    people = f", {fmt_int(r.population)} habitants" if r.population is not None else ""
    return f"{what} {r.code} {r.nom}{where}{people}"


def split_entries(value: str | None) -> list[str]:
    """« 21166, 21355 », « 21166 21355 » or « Annecy, Saint Jorioz »: pieces separated by
    commas or semicolons; a piece of codes separated by spaces is several codes, a piece of
    words is one name."""
    if not value:
        return []
    pieces = []
    for piece in value.replace(";", ",").split(","):
        words = piece.split()
        if words and all(looks_like_code(w) for w in words):
            pieces.extend(words)
        elif words:
            pieces.append(" ".join(words))
    return pieces


def matches(text: str, which: str | None = None) -> list:
    """The places ``text`` (a name) designates exactly, or else its closest names (typos):
    :func:`cpts_cli.referentiel.finder.resolve`, kept to communes or EPCI."""
    from cpts_cli.referentiel import finder

    found, seen = [], set()
    for r in finder.resolve(text):
        if _wanted(r.kind, which) and r.code not in seen:
            seen.add(r.code)
            found.append(r)
    return found


def candidates(text: str, which: str | None = None, limit: int = 12) -> list:
    """What to offer for a name: :func:`matches`, or else the current communes (or EPCI) whose
    name contains it (« Faverges » → Faverges-Seythenex, Faverges-de-la-Tour)."""
    from cpts_cli.referentiel import finder, store

    found = matches(text, which)
    if found:
        return found
    kinds = {store.COMMUNE_ACTUELLE, store.ARRONDISSEMENT_MUNICIPAL, store.EPCI_KIND}
    return [r for r in finder.search(text, limit=30) if r.kind in kinds and _wanted(r.kind, which)][
        :limit
    ]


def several_places(text: str, found: list) -> str:
    """« « Saint-Jean » désigne plusieurs lieux ; donnez le code… », then one line a place."""
    listed = "\n".join(f"  {describe(r)}" for r in found[:20])
    more = f"\n  … et {len(found) - 20} autres" if len(found) > 20 else ""
    return (
        f"« {shortened(text.strip())} » désigne plusieurs lieux ; donnez le code de celui que "
        f"vous voulez (rien n'a été écrit) :\n{listed}{more}"
    )


def unknown_name(text: str, which: str | None = None, note: str = "") -> str:
    """« « Xyz » : aucune commune de ce nom. Noms les plus proches : … »"""
    from cpts_cli.referentiel import finder

    near = [r for r in finder.suggestions(text) if _wanted(r.kind, which)]
    hint = (
        " Noms les plus proches : " + " ; ".join(describe(r) for r in near) + "."
        if near
        else " Cherchez-le avec « cpts territory search »."
    )
    kind = {COMMUNES: "commune", EPCI: "intercommunalité"}.get(which, "commune ni intercommunalité")
    return f"« {shortened(text.strip())} » : aucune {kind} de ce nom{note}.{hint}"


#: Picks the code of one of several places a name designates (``None``: none of them).
Choose = Callable[[str, list], "str | None"]


def codes_for(
    texts: Iterable[str], which: str | None = None, choose: Choose | None = None
) -> tuple[list[str], list[str]]:
    """The codes ``texts`` designate, and what was understood of each name (« « Annecy » :
    commune 74010 Annecy, 74, 132 117 habitants »). A name that designates several places is
    given to ``choose`` (a person in a terminal picks one, or none); without it, or when none
    is picked, and for a name that designates no place: CptsError, nothing decided."""
    codes: list[str] = []
    said: list[str] = []
    for given in texts:
        text = given.strip()
        if not text:
            continue
        if looks_like_code(text):
            codes.append(text.upper())
            continue
        found = matches(text, which)
        if len(found) == 1:
            codes.append(found[0].code)
            said.append(f"« {shortened(text)} » : {describe(found[0])}.")
            continue
        if found and choose is not None:
            code = choose(text, found)
            if code is None:
                raise CptsError(f"« {shortened(text)} » : aucun lieu choisi (rien n'a été écrit).")
            codes.append(code)
            continue
        if found:
            raise CptsError(several_places(text, found))
        raise CptsError(unknown_name(text, which, " (rien n'a été écrit)"))
    return codes, said
