"""Step 3 — the territorial diagnostic."""

from __future__ import annotations

from cpts_cli.checking.rules.engine import Context, filled, hit, rule
from cpts_cli.project.positions import pointer

STEP = "diagnostic"


@rule(
    "CPTS-D003",
    step=STEP,
    title="Indicateur sans référence",
    message="L'indicateur « {code} » n'a ni valeur de référence (département, région, "
    "France) ni raison écrite (« sans_reference »).",
)
def reference(ctx: Context):
    """Chaque chiffre se compare au département, à la région ou à la France, ou dit pourquoi
    il ne le peut pas.

    Incorrect : pas de `references`. Correct : `references: {departement: 8.9, france: 8.8}`
    ou `sans_reference: Indicateur propre au territoire`.
    """
    for i, ind in ctx.items("/diagnostic/indicateurs"):
        refs = ind.get("references")
        has_ref = isinstance(refs, dict) and any(v is not None for v in refs.values())
        if not has_ref and not filled(ind.get("sans_reference")):
            yield hit(pointer("diagnostic", "indicateurs", i), code=ind.get("code", "?"))


@rule(
    "CPTS-D005",
    step=STEP,
    title="Valeur masquée incohérente",
    message="L'indicateur « {code} » {detail}.",
)
def masked_value(ctx: Context):
    """Rézone masque les effectifs de moins de 6 professionnels : une valeur masquée n'est
    pas un zéro. `masque: true` va avec `valeur: null`, et seulement avec elle.

    Incorrect : `valeur: 0` pour un effectif masqué. Correct : `valeur: null` et
    `masque: true`.
    """
    for i, ind in ctx.items("/diagnostic/indicateurs"):
        masked = ind.get("masque") is True
        value = ind.get("valeur")
        if masked and value is not None:
            yield hit(
                pointer("diagnostic", "indicateurs", i, "valeur"),
                code=ind.get("code", "?"),
                detail="est marqué masqué mais a une valeur : écrivez « valeur: null »",
            )


@rule(
    "CPTS-D006",
    step=STEP,
    title="Année future",
    message="L'indicateur « {code} » est daté de {annee}, une année qui n'est pas encore écoulée.",
)
def future_year(ctx: Context):
    """L'année d'un indicateur est celle de la donnée publiée, donc passée.

    Incorrect : `annee: 2031`. Correct : `annee: 2023`.
    """
    for i, ind in ctx.items("/diagnostic/indicateurs"):
        year = ind.get("annee")
        if isinstance(year, int) and year > ctx.today.year:
            yield hit(
                pointer("diagnostic", "indicateurs", i, "annee"),
                code=ind.get("code", "?"),
                annee=year,
            )


#: Which way an indicator points, read from its code and its label (accents removed, lower
#: case). The file has no field for it: an indicator none of these words describe is not
#: compared. Checked in this order: the first group that matches decides.
#: ``+1``: a higher value means more need (a problem); ``-1``: a higher value means less need
#: (an offer, a participation, a coverage).
DIRECTIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (+1, ("sans medecin", "sans_medecin", "pauvrete", "c2s", "cmu", "chomage", "mortalite",
          "deces", "polymedication", "iatrogen", "urgences", "hospitalisation",
          "ald", "affection de longue duree", "60 ans", "60_ans")),
    (-1, ("densite", "apl", "accessibilite", "depistage", "vaccin", "couverture",
          "participation", "places", "lits")),
    (+1, ("75 ans", "75_ans", "65 ans", "65_ans", "personnes agees", "vieillissement")),
)  # fmt: skip


def _plain(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def direction(indicator: dict) -> int | None:
    """``+1`` when a higher value shows more need, ``-1`` when it shows less, ``None`` when
    neither the code nor the label says (see ``DIRECTIONS``)."""
    code = str(indicator.get("code") or "")
    if indicator.get("origine") == "import" and code.endswith("_pour_10000"):
        return -1  # professionals or establishments per 10 000 inhabitants: an offer
    words = _plain(f"{code} {indicator.get('libelle') or ''}")
    words = f" {words.replace('-', ' ')} "
    for sign, keys in DIRECTIONS:
        if any(_word_in(key, words) for key in keys):
            return sign
    return None


def _word_in(key: str, words: str) -> bool:
    """``key`` starts a word of ``words`` (« vaccin » in « vaccination »); a key of three
    letters or fewer (« ald », « apl ») is a whole word."""
    import re

    end = r"(?![a-z])" if len(key) <= 3 else ""
    return re.search(rf"(?<![a-z0-9]){re.escape(key)}{end}", words) is not None


@rule(
    "CPTS-D011",
    step=STEP,
    severity="warning",
    title="Constat contredit par un indicateur",
    message="Le constat « {id} » s'appuie sur l'indicateur « {code} » ({valeur} contre "
    "{departement} dans le département), où le territoire est dans une situation plus favorable "
    "que le département : retirez cet indicateur du constat ou reformulez le constat.",
)
def constat_against_indicator(ctx: Context):
    """Un constat du diagnostic décrit un besoin du territoire ; les indicateurs qu'il cite
    (`constats[].indicateurs`, par leur code) doivent le montrer. Un indicateur où le
    territoire fait mieux que le département (moins de patients sans médecin traitant, plus
    de médecins pour 10 000 habitants, moins de personnes âgées…) ne fonde pas un besoin.

    Le sens d'un indicateur (une valeur plus haute est-elle un besoin ?) se lit dans son code
    et son libellé : « sans médecin traitant », « pauvreté », « ALD », « urgences »,
    « 75 ans »… (plus haut = plus de besoin) ; « densité », « APL », « dépistage »,
    « vaccination », « places »… (plus haut = moins de besoin). Un indicateur dont le sens
    ne se lit pas, ou sans valeur du département, n'est pas comparé.

    Incorrect : « Des personnes âgées nombreuses » appuyé sur `part_75_ans_et_plus` à 9,6 %
    contre 10,4 % dans le département. Correct : un constat appuyé sur des indicateurs où le
    territoire est en retrait du département.
    """
    from cpts_cli.support.formatting import decimal

    indicators = {
        ind.get("code"): ind
        for _, ind in ctx.items("/diagnostic/indicateurs")
        if isinstance(ind.get("code"), str)
    }
    for i, constat in ctx.items("/diagnostic/constats"):
        cited = constat.get("indicateurs")
        for j, code in enumerate(cited if isinstance(cited, list) else []):
            ind = indicators.get(code) if isinstance(code, str) else None
            if ind is None:
                continue
            value, refs = ind.get("valeur"), ind.get("references")
            dept = refs.get("departement") if isinstance(refs, dict) else None
            sign = direction(ind)
            if not _numbers(value, dept) or sign is None or (value - dept) * sign >= 0:
                continue
            unit = f" {ind['unite']}" if isinstance(ind.get("unite"), str) else ""
            unit = unit.replace(" %", "\u00a0%")
            yield hit(
                pointer("diagnostic", "constats", i, "indicateurs", j),
                id=constat.get("id", "?"),
                code=code,
                valeur=decimal(value) + unit,
                departement=decimal(dept) + unit,
            )


def _numbers(*values) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
