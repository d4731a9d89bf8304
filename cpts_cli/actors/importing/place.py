"""Where a professional practises: a commune code, else a postcode (+ the commune's name).

``Places`` knows the territory's communes and the postcodes that serve them, so that the
RPPS reader can keep a line with a cheap test and say where the professional practises.
"""

from __future__ import annotations

from dataclasses import dataclass

from cpts_cli.actors.importing.model import norm
from cpts_cli.referentiel import finder, store
from cpts_cli.territory.codes import INSEE_RE
from cpts_cli.territory.summary import Territory

#: Paris, Lyon, Marseille: an address may carry the whole city's code or an arrondissement's.
_CITIES = ("75056", "69123", "13055")


@dataclass(frozen=True)
class Place:
    """The outcome for one line: keep it or not, the commune (None: unknown), and a note."""

    keep: bool
    commune: str | None = None
    note: str = ""  # French, for a finding (postcode fallback that could not decide…)
    by_postcode: bool = False


class Places:
    def __init__(self, territory: Territory) -> None:
        self.members: set[str] = set(territory.members)
        self.names = {c: m.commune.nom for c, m in territory.members.items()}
        #: arrondissement → whole city given in the territory (75056 covers 75115).
        self.covered_by_city: dict[str, str] = {}
        self.cities_split: set[str] = set()  # cities present through their arrondissements
        for code, member in territory.members.items():
            parent = member.commune.commune_parente
            if parent:
                self.cities_split.add(parent)
            if code in _CITIES:
                for arr in store.arrondissements(code):
                    self.covered_by_city[arr.code] = code
        self.postcodes: dict[str, tuple[str, ...]] = self._postcodes()
        self._served: dict[str, tuple[str, ...]] = {}
        self._current: dict[str, str | None] = {}

    # ------------------------------------------------------------------ lookups

    def _postcodes(self) -> dict[str, tuple[str, ...]]:
        """Postcode → the communes it serves, for every postcode serving the territory.

        The store maps a postcode to its communes, not the reverse: we look at every
        postcode of the territory's departments (postcodes start with the department's
        digits; a couple of dozen exceptions in France, served by a neighbour's post office,
        are missed and then kept only through their commune code).
        """
        prefixes = set()
        for code in self.members:
            dep = code[:2]
            prefixes.add("20" if dep in ("2A", "2B") else dep)
        out: dict[str, tuple[str, ...]] = {}
        for prefix in sorted(prefixes):
            for n in range(1000):
                cp = f"{prefix}{n:03d}"
                served = store.postal_codes(cp)
                if served and any(self._inside(c) for c in served):
                    out[cp] = tuple(served)
        return out

    def served(self, cp: str) -> tuple[str, ...]:
        found = self.postcodes.get(cp)
        if found is not None:
            return found
        if cp not in self._served:
            self._served[cp] = (
                tuple(store.postal_codes(cp)) if cp.isdigit() and len(cp) == 5 else ()
            )
        return self._served[cp]

    def current(self, code: str) -> str | None:
        """A code as written → the current commune code (old and déléguée codes resolved)."""
        if code in self.members:
            return code
        if code not in self._current:
            resolution = store.resolve_commune(code) if INSEE_RE.match(code) else None
            self._current[code] = (
                resolution.commune.code if resolution and resolution.commune else None
            )
        return self._current[code]

    def _inside(self, code: str) -> bool:
        return code in self.members or code in self.covered_by_city

    def match_codes(self) -> list[str]:
        """Codes whose presence as a field makes a line worth a closer look."""
        codes = set(self.members) | set(self.covered_by_city) | set(self.postcodes)
        codes |= self.cities_split
        return sorted(codes)

    # ------------------------------------------------------------------ decisions

    def locate(self, code: str, cp: str, names: tuple[str, ...] = (), *, only_inside=True):
        """Decide from a line's commune code, postcode and the names found in its address."""
        code = code.strip().upper()
        cp = cp.strip()
        if code and code not in self.cities_split:
            current = self.current(code)
            if current is None:
                if only_inside:
                    return Place(False)
                return Place(True, None, f"Code commune « {code} » inconnu : commune non importée.")
            if self._inside(current):
                return Place(True, current)
            if only_inside:
                return Place(False)
            return Place(True, current, self._outside_note(current))
        if not cp:
            if only_inside:
                return Place(False)
            return Place(True, None)
        served = self.served(cp)
        inside = [c for c in served if self._inside(c)]
        if only_inside and not inside:
            return Place(False)
        if not served:
            return Place(True, None, f"Code postal « {cp} » inconnu : commune non importée.")
        if len(served) == 1:
            commune = served[0]
            note = "" if self._inside(commune) or only_inside else self._outside_note(commune)
            return Place(True, commune, note, by_postcode=True)
        wanted = {norm(n) for n in names if norm(n)}
        named = [c for c in served if _name_of(c) in wanted]
        if len(named) == 1:
            commune = named[0]
            if only_inside and not self._inside(commune):
                return Place(False)
            note = "" if self._inside(commune) or only_inside else self._outside_note(commune)
            return Place(True, commune, note, by_postcode=True)
        listed = ", ".join(f"{_name_of(c, raw=True)} ({c})" for c in (inside or served)[:6])
        more = "…" if len(inside or served) > 6 else ""
        if inside and len(inside) < len(served):
            where = (
                f"dont {len(inside)} du territoire ({listed}{more}) ; le professionnel exerce "
                "peut-être hors du territoire"
            )
        else:
            where = f"({listed}{more})"
        return Place(
            True,
            None,
            f"Pas de code commune ; le code postal {cp} dessert {len(served)} communes "
            f"{where} : commune d'exercice à compléter.",
            by_postcode=True,
        )

    def _outside_note(self, code: str) -> str:
        if not self.members:
            return ""
        return f"{_name_of(code, raw=True)} ({code}) est hors du territoire de la CPTS."

    def resolve_text(self, text: str, cp: str = ""):
        """A commune as a person writes it in a sheet: INSEE code or name (+ postcode)."""
        value = text.strip()
        compact = "".join(value.split()).upper()
        if len(compact) == 4 and compact.isdigit():
            compact = "0" + compact  # a spreadsheet ate the leading zero
        if INSEE_RE.match(compact):
            return self.locate(compact, "", only_inside=False)
        if not value:
            return self.locate("", cp, only_inside=False)
        candidates = [c.code for c in store.communes_by_name(value)]
        approximate = not candidates
        if approximate:
            candidates = _searched(value)
        if cp:
            served = set(self.served(cp))
            narrowed = [c for c in candidates if c in served]
            candidates = narrowed or candidates
        if len(candidates) > 1:
            inside = [c for c in candidates if self._inside(c)]
            candidates = inside or candidates
        if len(candidates) == 1:
            commune = candidates[0]
            name = _name_of(commune, raw=True)
            notes = []
            if approximate and _squeezed(value) != _squeezed(name):
                notes.append(f"« {value} » lu comme {name} ({commune}) : vérifiez.")
            if not self._inside(commune):
                notes.append(self._outside_note(commune))
            return Place(True, commune, " ".join(n for n in notes if n))
        if not candidates:
            near = [r for r in finder.suggestions(value) if r.kind in _COMMUNE_KINDS]
            listed = ", ".join(f"{r.nom} ({r.code})" for r in near[:3])
            closest = f" (noms proches : {listed})" if listed else ""
            return Place(
                True, None, f"Commune « {value} » inconnue{closest} : commune non importée."
            )
        listed = ", ".join(f"{_name_of(c, raw=True)} ({c})" for c in candidates[:5])
        more = f" et {len(candidates) - 5} autres" if len(candidates) > 5 else ""
        said = (
            f"« {value} » peut désigner plusieurs communes"
            if approximate
            else f"Plusieurs communes s'appellent « {value} »"
        )
        return Place(
            True,
            None,
            f"{said} ({listed}{more}) : indiquez le code INSEE ou le code postal ; commune "
            "non importée.",
        )


#: Search results that are places where one practises (an EPCI is not).
_COMMUNE_KINDS = (
    "commune-actuelle",
    "arrondissement-municipal",
    "commune-deleguee",
    "commune-associee",
)


def _squeezed(name: str) -> str:
    return finder.normalise_query(name).replace(" ", "")


def _searched(value: str) -> list[str]:
    """The communes a name that is not exactly a commune's may mean, as people write them in
    a team's sheet: ``St Jorioz``, a typo (``Anecy``), or the first words of the name
    (``Faverges`` for Faverges-Seythenex). A déléguée or associée stands for its commune."""
    found = [r for r in finder.resolve(value) if r.kind in _COMMUNE_KINDS]
    if not found:
        words = finder.normalise_query(value)
        found = [
            r
            for r in finder.search(value, limit=20)
            if r.kind in _COMMUNE_KINDS
            and r.correspondance == finder.NOM
            and finder.normalise_query(r.nom).startswith(words + " ")
        ]
    codes: list[str] = []
    for r in found:
        code = r.code if r.kind in _COMMUNE_KINDS[:2] else (r.commune_parente or r.code)
        if code not in codes:
            codes.append(code)
    return codes


def _name_of(code: str, raw: bool = False) -> str:
    commune = store.commune(code)
    if commune is None:
        return code
    return commune.nom if raw else norm(commune.nom)
