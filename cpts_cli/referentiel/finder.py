"""Finding communes and EPCI as people type them: names with or without accents, hyphens,
apostrophes or spaces, ``St``/``Ste`` for Saint/Sainte, typos, postcodes, INSEE codes, SIREN
and usual EPCI names (``Grand Lyon``).

Pure Python on top of the reference store: the names are matched by SQLite (``LIKE`` on the
normalised names); a typo is looked for only when no name starts with the text, among the
names sharing its first two letters (an index range) or its last two letters, with a bounded
edit distance. ``search`` answers in a few milliseconds, a typo in about twenty.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from cpts_cli.referentiel import store
from cpts_cli.referentiel.store import SearchResult

__all__ = [
    "CODE",
    "CODE_POSTAL",
    "NOM",
    "NOM_APPROCHE",
    "NOM_USUEL",
    "resolve",
    "search",
    "suggestions",
]

# How a result was found (``SearchResult.correspondance``).
NOM = "nom"
CODE = "code"  # INSEE code of a commune, SIREN of an EPCI
CODE_POSTAL = "code postal"
NOM_APPROCHE = "nom approché"
NOM_USUEL = "nom usuel"

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_KIND_ORDER = {"COM": 0, "ARM": 1, "EPCI": 2}


def normalise_query(text: str) -> str:
    """``store.normalise`` with ``St``/``Ste`` spelt out: "St-Étienne" -> "saint etienne"."""
    words = store.normalise(text).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def _max_typos(q: str) -> int:
    n = len(q.replace(" ", ""))
    return 0 if n <= 3 else 1 if n <= 5 else 2 if n <= 12 else 3


# --------------------------------------------------------------------------- names (SQL)

_RANK = """CASE
            WHEN {code} = :code THEN 0
            WHEN {name} = :q THEN 0
            WHEN {name} LIKE :wprefix THEN 1
            WHEN {name} LIKE :prefix THEN 2
            WHEN {name} LIKE :word THEN 3
            ELSE 4
        END AS rank"""

# rank: 0 the code or the whole name, 1 the name's first words, 2 the start of the name,
# 3 the start of a word, 4 anywhere.
_NAMES_SQL = f"""
SELECT * FROM (
    SELECT
        {_RANK.format(code="c.code", name="c.nom_normalise")},
        c.type AS kind, c.code, c.nom, c.departement, c.population, c.commune_parente
    FROM communes c
    WHERE (c.nom_normalise LIKE :sub OR c.code = :code)
      AND NOT (
        c.type IN ('COMD', 'COMA') AND c.chef_lieu = 1 AND EXISTS (
            SELECT 1 FROM communes p
            WHERE p.code = c.code AND p.type = 'COM' AND p.nom_normalise = c.nom_normalise
        )
      )
    UNION ALL
    SELECT
        {_RANK.format(code="e.siren", name="e.nom_normalise")},
        'EPCI' AS kind, e.siren, e.nom, e.departements, e.population_communes, NULL
    FROM epci e
    WHERE e.nom_normalise LIKE :sub OR e.siren = :code
)
ORDER BY CASE WHEN rank = 1 THEN 0 ELSE rank END, kind = 'EPCI' AND rank = 1 DESC,
    population IS NULL, population DESC,
    CASE kind WHEN 'COM' THEN 0 WHEN 'ARM' THEN 1 WHEN 'EPCI' THEN 2 ELSE 3 END, nom, code
LIMIT :limit
"""


def _result(kind: str, code: str, nom: str, dep, pop, parent, how: str) -> SearchResult:
    if kind == "EPCI":
        return SearchResult(store.EPCI_KIND, code, nom, dep, pop, None, how)
    return SearchResult(store._TYPE_NAMES[kind], code, nom, dep, pop, parent, how)


def _by_name(q: str, code: str, limit: int) -> list[tuple[float, SearchResult]]:
    rows = store._all(
        _NAMES_SQL,
        {
            "q": q,
            "code": code,
            "wprefix": q + " %",
            "prefix": q + "%",
            "word": "% " + q + "%",
            "sub": "%" + q + "%",
            "limit": limit,
        },
    )
    found = []
    for rank, kind, code_, nom, dep, pop, parent in rows:
        how = CODE if code_ == code else NOM
        # A commune whose first words are the text ties with the one of that very name: the
        # larger first (« Évry » : Évry-Courcouronnes, 66 919 inhabitants, before Évry, 402).
        # An EPCI named after it (Dijon Métropole) comes right after the first one (``_ranked``).
        tier = (0.5 if kind == "EPCI" else 0) if rank == 1 else rank
        found.append((tier, _result(kind, code_, nom, dep, pop, parent, how)))
    return found


# --------------------------------------------------------------------------- postcodes

_COMMUNES_SQL = (
    "SELECT type, code, nom, departement, population, commune_parente FROM communes "
    "WHERE type IN ('COM', 'ARM') AND code IN ({marks})"
)


def _communes(codes: list[str], how: str) -> list[SearchResult]:
    if not codes:
        return []
    rows = store._all(_COMMUNES_SQL.format(marks=",".join("?" * len(codes))), tuple(codes))
    return [_result(t, c, n, d, p, parent, how) for t, c, n, d, p, parent in rows]


def _by_postcode(code: str) -> list[tuple[float, SearchResult]]:
    """Every commune served by a postcode; for Paris, Lyon and Marseille, the arrondissement."""
    if len(code) != 5 or not code.isdigit():
        return []
    return [(0, r) for r in _communes(store.postal_codes(code), CODE_POSTAL)]


# --------------------------------------------------------------------------- usual names


@lru_cache(maxsize=1)
def _usual_names() -> tuple[tuple[str, str], ...]:
    """(normalised usual name, SIREN) from ``epci_noms_usuels.csv``."""
    text = (files("cpts_cli") / "referentiel" / "epci_noms_usuels.csv").read_text("utf-8")
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, siren = line.rsplit(";", 1)
            pairs.append((normalise_query(name), siren.strip()))
    return tuple(pairs)


def _by_usual_name(q: str) -> list[tuple[float, SearchResult]]:
    ranks: dict[str, int] = {}
    for name, siren in _usual_names():
        if name == q:
            rank = 0
        elif name.startswith(q) and (len(q) >= 3 or name.startswith(q + " ")):
            rank = 2
        elif len(q) >= 3 and " " + q in " " + name:
            rank = 3
        else:
            continue
        ranks[siren] = min(rank, ranks.get(siren, rank))
    found = []
    for siren, rank in ranks.items():
        row = store._one(
            "SELECT siren, nom, departements, population_communes FROM epci WHERE siren = ?",
            (siren,),
        )
        if row:
            found.append((rank, SearchResult(store.EPCI_KIND, *row, None, NOM_USUEL)))
    return found


# --------------------------------------------------------------------------- typos


def _distance(a: str, b: str, bound: int) -> int:
    """Optimal string alignment distance of ``a`` and ``b`` (typos: a letter left out, added,
    replaced, or two swapped), or ``bound + 1`` when above. Only the diagonal band of width
    ``2 * bound + 1`` is computed: a few hundred names in a few milliseconds."""
    la, lb = len(a), len(b)
    if abs(la - lb) > bound:
        return bound + 1
    big = bound + 1
    prev2: list[int] = []
    prev = [j if j <= bound else big for j in range(lb + 1)]
    for i in range(1, la + 1):
        cur = [big] * (lb + 1)
        cur[0] = i if i <= bound else big
        ai = a[i - 1]
        row_min = cur[0]
        for j in range(max(1, i - bound), min(lb, i + bound) + 1):
            v = prev[j - 1] if ai == b[j - 1] else prev[j - 1] + 1
            if prev[j] + 1 < v:
                v = prev[j] + 1
            if cur[j - 1] + 1 < v:
                v = cur[j - 1] + 1
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1] and prev2[j - 2] + 1 < v:
                v = prev2[j - 2] + 1
            cur[j] = v if v < big else big
            if v < row_min:
                row_min = v
        if row_min > bound:
            return big
        prev2, prev = prev, cur
    return prev[lb]


_FUZZY_COLS = (
    "type, code, nom, departement, population, commune_parente, nom_normalise FROM communes "
    "WHERE NOT (type IN ('COMD', 'COMA') AND chef_lieu = 1)"
)
_FUZZY_EPCI_COLS = (
    "'EPCI', siren, nom, departements, population_communes, NULL, nom_normalise FROM epci WHERE 1"
)


_SUGGESTION_TYPOS = 2  # suggestions: up to two more typos than a result


@lru_cache(maxsize=8)
def _fuzzy_rows(q: str, tail: bool) -> tuple[tuple, ...]:
    """Names sharing the first two letters of ``q`` (an index range: fast), or, with ``tail``,
    its last two letters and a close length (a scan in SQLite, a few milliseconds)."""
    compact = q.replace(" ", "")
    head = q[:2].strip()
    rows: list[tuple] = []
    for cols in (_FUZZY_COLS, _FUZZY_EPCI_COLS):
        if not tail:
            # "lisle" also looks among "l isle…", "lhay" among "l hay…" (an elided article).
            for start in {head, head[:1] + " " + head[1:2]}:
                rows += store._all(
                    f"SELECT {cols} AND nom_normalise >= ? AND nom_normalise < ?",
                    (start, start + "~"),
                )
            continue
        # The stored name has its spaces: up to a few more characters than its compact form.
        bound = _max_typos(q) + _SUGGESTION_TYPOS
        rows += store._all(
            f"SELECT {cols} AND nom_normalise LIKE ? AND nom_normalise NOT LIKE ? "
            "AND length(nom_normalise) BETWEEN ? AND ?",
            ("%" + compact[-2:], head + "%", len(compact) - bound, len(compact) + bound + 6),
        )
    return tuple(rows)


def _fuzzy(q: str, bound: int) -> list[tuple[float, SearchResult]]:
    """Names within ``bound`` typos of ``q`` (the whole name, or its first words), spaces,
    hyphens and apostrophes ignored. Tier 2.5 + distance / 10 (a first-words match a bit
    after a whole-name match); 0 for the very name written without its spaces.

    The names sharing the text's first two letters are looked at first; those sharing its
    last two only when none of those is close enough (a typo in the first letters is rarer)."""
    return _close(q, bound, _fuzzy_rows(q, False)) or _close(q, bound, _fuzzy_rows(q, True))


def _close(q: str, bound: int, rows: tuple[tuple, ...]) -> list[tuple[float, SearchResult]]:
    compact = q.replace(" ", "")
    letters = set(compact)
    n_words = len(q.split())
    found = []
    for kind, code, nom, dep, pop, parent, normalised in rows:
        # Each letter of the text missing from the name costs at least one typo.
        if len(letters.difference(normalised)) > bound:
            continue
        d = bound + 1
        whole = normalised.replace(" ", "")
        # ... and so does each letter of the name missing from the text.
        if abs(len(whole) - len(compact)) <= bound and len(set(whole) - letters) <= bound:
            d = _distance(compact, whole, bound)
        tier = 0.0 if d == 0 else 2.5 + d / 10
        if d > bound and normalised.count(" ") >= n_words:
            first = "".join(normalised.split()[:n_words])
            if abs(len(first) - len(compact)) <= bound and len(set(first) - letters) <= bound:
                d = _distance(compact, first, bound)
                tier = 2.55 + d / 10
        if d <= bound:
            how = NOM if d == 0 else NOM_APPROCHE
            found.append((tier, _result(kind, code, nom, dep, pop, parent, how)))
    return found


# --------------------------------------------------------------------------- API


def _key(item: tuple[float, SearchResult]):
    tier, r = item
    kind = "EPCI" if r.kind == store.EPCI_KIND else r.kind
    order = {"commune-actuelle": 0, "arrondissement-municipal": 1, "EPCI": 2}.get(kind, 3)
    return (tier, r.population is None, -(r.population or 0), order, r.nom, r.code)


def _ranked(text: str, limit: int) -> list[tuple[float, SearchResult]]:
    q = normalise_query(text)
    if not q or limit <= 0:
        return []
    code = store._clean_code(text)
    postcode = _by_postcode(code)
    # A postcode lists all its communes (up to 46, 51300), whatever the limit.
    limit = max(limit, len(postcode) + 1) if postcode else limit
    found = postcode + _by_name(q, code, limit) + _by_usual_name(q)
    if not any(tier <= 2 for tier, _ in found):
        found += _fuzzy(q, _max_typos(q))
    best: dict[tuple[str, str], tuple[float, SearchResult]] = {}
    for item in sorted(found, key=_key):
        best.setdefault((item[1].kind, item[1].code), item)
    ordered = sorted(best.values(), key=_key)
    named = [item for item in ordered if item[0] == 0.5]
    if named and ordered[0][0] == 0:
        ordered = ordered[:1] + named + [item for item in ordered[1:] if item[0] != 0.5]
    return ordered[:limit]


def search(text: str, limit: int = 20) -> list[SearchResult]:
    """Communes (also arrondissements, déléguées, associées) and EPCI matching ``text``.

    Ranked: the code, the postcode, the whole name, or a name whose first words are the text
    (by population, larger first: « Évry » gives Évry-Courcouronnes first); then names
    starting with the text, close names (typos), a word starting with the text, the text
    anywhere. A 5-digit text that is both an INSEE code and a postcode gives both, each
    labelled by ``correspondance``.
    """
    return [r for _, r in _ranked(text, limit)]


def resolve(text: str) -> list[SearchResult]:
    """What ``text`` (a name, a code, a postcode) designates: the exact matches (code,
    postcode, whole name, usual name), or else the closest names (typos); empty if none.
    One result: take it; several: let the person choose."""
    ranked = _ranked(text, 500)
    compact = normalise_query(text).replace(" ", "")
    exact = [
        r
        for tier, r in ranked
        if tier == 0
        and (r.correspondance != NOM or normalise_query(r.nom).replace(" ", "") == compact)
    ]
    if exact:
        return exact
    close = [(tier, r) for tier, r in ranked if r.correspondance == NOM_APPROCHE]
    if not close:
        return []
    best = min(tier for tier, _ in close)
    return [r for tier, r in close if tier == best]


def suggestions(text: str, limit: int = 5) -> list[SearchResult]:
    """The nearest names when ``search`` finds nothing (up to two more typos)."""
    q = normalise_query(text)
    if not q:
        return []
    found = sorted(_fuzzy(q, _max_typos(q) + _SUGGESTION_TYPOS), key=_key)
    seen: set[str] = set()
    names = []
    for _, r in found:
        if r.code not in seen:
            seen.add(r.code)
            names.append(r)
    return names[:limit]
