"""ACI CPTS rules shipped as data (cpts_cli/referentiel/aci.yaml): facts from DOMAIN.md §4/§7."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from importlib.resources import files

import pytest

from cpts_cli.referentiel import aci

ALLOWED = {"sûr", "presse", "exemple", "à vérifier", "non publié"}
DATE_RE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
# Numbers allowed outside a figure object: structure, not facts.
STRUCTURAL_NUMBER_KEYS = {"taille", "marge_alerte"}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _raw_figures(node, path="") -> Iterator[tuple[str, dict]]:
    if isinstance(node, dict):
        if "valeur" in node:
            yield path, node
            return
        for k, v in node.items():
            yield from _raw_figures(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _raw_figures(v, f"{path}/{i}")


def _bare_numbers(node, path="", key=None) -> Iterator[str]:
    if isinstance(node, dict):
        if "valeur" in node:
            return
        for k, v in node.items():
            # integer keys (tiers) are structure; their values are checked recursively
            yield from _bare_numbers(v, f"{path}/{k}", k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _bare_numbers(v, f"{path}/{i}", key)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        if key not in STRUCTURAL_NUMBER_KEYS:
            yield path


def _figures(obj, path="") -> Iterator[tuple[str, aci.Figure]]:
    """Every Figure reachable from a loaded object."""
    if isinstance(obj, aci.Figure):
        yield path, obj
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from _figures(getattr(obj, f.name), f"{path}/{f.name}")
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            yield from _figures(v, f"{path}/{k}")
    elif isinstance(obj, (tuple, list)):
        for i, v in enumerate(obj):
            yield from _figures(v, f"{path}/{i}")


def _values(node) -> Iterator:
    if isinstance(node, dict):
        for v in node.values():
            yield from _values(v)
    elif isinstance(node, list):
        for v in node:
            yield from _values(v)
    else:
        yield node


@pytest.fixture(scope="module")
def av2() -> aci.AciVersion:
    return aci.load("avenant-2")


@pytest.fixture(scope="module")
def v2019() -> aci.AciVersion:
    return aci.load("2019")


# --------------------------------------------------------------------------------------------
# The data file: every figure sourced, statuses in the allowed set
# --------------------------------------------------------------------------------------------


def test_statuses_declared_in_the_file_are_the_allowed_set():
    assert set(aci.raw()["statuts"]) == ALLOWED
    assert set(aci.STATUTS) == ALLOWED


def test_every_raw_figure_has_status_source_and_date():
    figs = list(_raw_figures(aci.raw()["versions"]))
    assert len(figs) > 60
    for path, fig in figs:
        assert fig.get("statut") in ALLOWED, path
        assert isinstance(fig.get("source"), str) and fig["source"].strip(), path
        assert isinstance(fig.get("date"), str) and DATE_RE.match(fig["date"]), path
        if fig["valeur"] is None:
            # no figure: "non publié", or sources disagree and both readings are kept, or
            # the figure is in a published text no consulted source gives (« Journal officiel »)
            assert (
                fig["statut"] == "non publié"
                or (fig["statut"] == "à vérifier" and len(fig.get("lectures", [])) >= 2)
                or (fig["statut"] == "à vérifier" and "Journal officiel" in fig.get("note", ""))
            ), path
        else:
            assert fig["statut"] != "non publié", path


def test_no_bare_number_outside_a_figure():
    assert list(_bare_numbers(aci.raw()["versions"])) == []


def test_every_loaded_figure_has_status_and_source():
    for code in aci.versions():
        figs = list(_figures(aci.load(code)))
        assert figs, code
        for path, fig in figs:
            assert fig.statut in ALLOWED, (code, path)
            assert fig.source and fig.date, (code, path)
            assert fig.confirmed == (fig.statut == "sûr")


def test_keys_are_ascii():
    def keys(node):
        if isinstance(node, dict):
            for k, v in node.items():
                yield k
                yield from keys(v)
        elif isinstance(node, list):
            for v in node:
                yield from keys(v)

    for k in keys(aci.raw()):
        if isinstance(k, str):
            assert k.isascii() and re.fullmatch(r"[a-z0-9_\-]+", k), k
        else:
            assert isinstance(k, int), k


def test_data_file_comments_are_in_french():
    text = (files("cpts_cli") / "referentiel" / "aci.yaml").read_text(encoding="utf-8")
    assert "# Règles de l'accord conventionnel interprofessionnel" in text


# --------------------------------------------------------------------------------------------
# Versions and texts
# --------------------------------------------------------------------------------------------


def test_versions_and_default():
    assert aci.versions() == ["2019", "avenant-2"]
    assert aci.default_version() == "avenant-2"
    assert aci.load().code == "avenant-2"
    assert aci.load() is aci.load("avenant-2")  # cached


def test_unknown_version_raises_keyerror():
    with pytest.raises(KeyError, match="avenant-3"):
        aci.load("avenant-3")
    with pytest.raises(KeyError):
        aci.load("2022")


def test_unquoted_year_is_accepted():
    # ``aci: 2019`` unquoted in a YAML project file is an int
    assert aci.load(2019).code == "2019"


def test_texts(v2019, av2):
    assert v2019.texte.signature == dt.date(2019, 6, 20)
    assert v2019.texte.publication == dt.date(2019, 8, 24)
    assert "SSAS1924409A" in v2019.texte.reference
    assert "21 août 2019" in v2019.texte.reference
    assert v2019.texte.modifie is None
    assert av2.texte.signature == dt.date(2021, 12, 20)
    assert av2.texte.publication == dt.date(2022, 3, 31)
    assert av2.texte.modifie == "2019"
    assert v2019.texte.statut == av2.texte.statut == "sûr"


def test_contract_lasts_five_years(v2019, av2):
    for v in (v2019, av2):
        assert v.duree_contrat_ans.valeur == 5
        assert v.duree_contrat_ans.confirmed


# --------------------------------------------------------------------------------------------
# Missions
# --------------------------------------------------------------------------------------------


def test_avenant2_has_four_socle_missions(av2):
    assert [m.code for m in av2.socle()] == [
        "acces_soins",
        "parcours",
        "prevention",
        "crises_sanitaires",
    ]
    assert [m.code for m in av2.optional()] == ["qualite_pertinence", "accompagnement_ps"]


def test_crisis_mission(av2):
    m = av2.mission("crises_sanitaires")
    assert m.categorie == "socle" and m.socle
    assert m.depuis == "avenant-2"
    assert (m.demarrage_mois.valeur, m.deploiement_mois.valeur) == (6, 18)
    assert m.demarrage_mois.confirmed and m.deploiement_mois.confirmed
    assert "ARS" in m.condition_part_variable


@pytest.mark.parametrize(
    "code,start,full",
    [("acces_soins", 6, 18), ("parcours", 12, 24), ("prevention", 12, 24)],
)
def test_socle_deadlines(av2, v2019, code, start, full):
    m = av2.mission(code)
    assert (m.demarrage_mois.valeur, m.deploiement_mois.valeur) == (start, full)
    assert m.demarrage_mois.statut == "sûr"
    assert "Hauts-de-France" in m.demarrage_mois.source
    assert m.demarrage_mois.date == "2023-11-30"
    old = v2019.mission(code)
    assert (old.demarrage_mois.valeur, old.deploiement_mois.valeur) == (start, full)
    # the source describes the text in force: not confirmed for the 2019 text
    assert old.demarrage_mois.statut == "à vérifier"


def test_2019_has_three_socle_missions_and_no_crisis(v2019):
    assert [m.code for m in v2019.socle()] == ["acces_soins", "parcours", "prevention"]
    assert [m.code for m in v2019.optional()] == ["qualite_pertinence", "accompagnement_ps"]
    assert "crises_sanitaires" not in v2019.missions
    with pytest.raises(KeyError):
        v2019.mission("crises_sanitaires")
    assert all(m.depuis == "2019" for m in v2019.missions.values())


def test_optional_missions_deadlines_chosen_by_the_cpts(v2019, av2):
    for v in (v2019, av2):
        for m in v.optional():
            assert m.demarrage_mois is None and m.deploiement_mois is None
            assert "choisis par la CPTS" in m.note_delais


def test_mission_codes_match_the_project_schema(av2):
    import json

    from cpts_cli.support.resources import schema_text

    enum = json.loads(schema_text())["$defs"]["mission"]["enum"]
    assert list(av2.missions) == enum


# --------------------------------------------------------------------------------------------
# Size tiers
# --------------------------------------------------------------------------------------------


def test_tier_bounds(av2, v2019):
    for v in (av2, v2019):
        assert [t.bounds for t in v.tiers] == [
            (0, 40000),
            (40000, 80000),
            (80000, 175000),
            (175000, None),
        ]
        assert v.bounds() == [40000, 80000, 175000]
        assert all(t.min.confirmed for t in v.tiers)
        # early drafts' bounds must never appear
        assert not {70000, 250000} & set(v.bounds())


def test_bound_semantics_is_explicit_and_to_be_checked(av2):
    assert av2.borne.valeur == "inferieure_incluse"
    assert av2.borne.statut == "à vérifier"
    assert "40 000" in av2.borne.note
    assert av2.marge_alerte == 0.02


@pytest.mark.parametrize("code", ["2019", "avenant-2"])
def test_each_exact_bound_has_its_own_reading(code):
    v = aci.load(code)
    readings = {t.max.valeur: v.bound_reading(t) for t in v.tiers if t.max is not None}
    # 40 000 and 80 000: the bound goes to the tier above, a reading still to be confirmed
    for bound in (40_000, 80_000):
        assert readings[bound].valeur == aci.BORNE_INFERIEURE_INCLUSE
        assert readings[bound].statut == "à vérifier"
        assert f"{bound:,}".replace(",", " ") in readings[bound].note
    # 175 000: « plus de 175 000 » (taille 4) excludes it, so it stays in tier 3
    assert readings[175_000].valeur == aci.BORNE_SUPERIEURE_INCLUSE
    assert readings[175_000].statut == "sûr"
    assert "> 175 000 habitants" in readings[175_000].source
    assert readings[175_000].url.startswith("https://www.hauts-de-france.paps.sante.fr/")
    assert v.tiers[-1].max_inclus is None


BOUNDARIES = [
    (0, 1),
    (39_999, 1),
    (40_000, 2),  # « moins de 40 000 » excludes it (reading to be confirmed)
    (40_001, 2),
    (79_999, 2),
    (80_000, 3),  # both ranges name 80 000: the tool's reading, to be confirmed
    (80_001, 3),
    (85_000, 3),
    (174_999, 3),
    (175_000, 3),  # « entre 80 000 et 175 000 » ; « plus de 175 000 » excludes it
    (175_001, 4),
    (176_000, 4),
    (2_000_000, 4),
]


@pytest.mark.parametrize("code", ["2019", "avenant-2"])
@pytest.mark.parametrize("population,taille", BOUNDARIES)
def test_tier_for(code, population, taille):
    v = aci.load(code)
    assert v.tier_for(population).taille == taille
    assert v.tier_for(population).tier.taille == taille


def test_tier_labels_match_the_bounds(av2, v2019):
    for v in (av2, v2019):
        assert [v.tier_label(t).replace("\u202f", " ") for t in (1, 2, 3, 4)] == [
            "moins de 40 000 habitants",
            "de 40 000 à moins de 80 000 habitants",
            "de 80 000 à 175 000 habitants",
            "plus de 175 000 habitants",
        ]


@pytest.mark.parametrize("population,taille", BOUNDARIES)
def test_the_label_of_the_tier_found_contains_the_population(av2, population, taille):
    """The label printed next to the tier must describe the population itself."""
    label = av2.tier_label(av2.tier_for(population).taille).replace("\u202f", "")
    numbers = [int(n) for n in re.findall(r"\d+", label)]
    if label.startswith("moins de "):
        assert population < numbers[0]
    elif label.startswith("plus de "):
        assert population > numbers[0]
    else:
        lo, hi = numbers
        assert lo <= population and (population < hi if "à moins de" in label else population <= hi)


@pytest.mark.parametrize(
    "population,near",
    [
        (39_999, 40_000),
        (40_000, 40_000),
        (40_800, 40_000),  # exactly 2 %
        (40_801, None),
        (39_199, None),
        (79_000, 80_000),
        (81_600, 80_000),
        (85_000, None),
        (171_500, 175_000),
        (176_000, 175_000),
        (178_500, 175_000),
        (178_501, None),
        (20_000, None),
        (1_000_000, None),
    ],
)
def test_near_bound_warning(av2, population, near):
    r = av2.tier_for(population)
    assert r.near_bound == near
    if near is None:
        assert r.bound_note is None
    elif near == 175_000:
        # the reading of 175 000 is settled (tier 3); a close population still may move
        note = r.bound_note.replace("\u202f", " ")
        assert "2 %" in note and "exactement 175 000 habitants : taille 3 ; sûr" in note
        assert "à vérifier" not in note and "variation de population" in note
    else:
        note = r.bound_note.replace("\u202f", " ")
        assert "2 %" in note and "à vérifier" in note
        assert f"exactement {near:,} habitants = taille".replace(",", " ") in note


def test_tier_for_rejects_bad_population(av2):
    with pytest.raises(ValueError):
        av2.tier_for(-1)
    with pytest.raises(TypeError):
        av2.tier_for(True)
    with pytest.raises(TypeError):
        av2.tier_for(40000.0)


def test_upper_included_reading_is_a_data_change(av2):
    # without per-bound readings, the default « borne » applies to every bound
    tiers = tuple(dataclasses.replace(t, max_inclus=None) for t in av2.tiers)
    default = dataclasses.replace(av2, tiers=tiers)
    assert default.tier_for(40_000).taille == 2
    assert default.tier_for(175_000).taille == 4
    other = dataclasses.replace(
        default, borne=dataclasses.replace(av2.borne, valeur=aci.BORNE_SUPERIEURE_INCLUSE)
    )
    assert other.tier_for(40_000).taille == 1
    assert other.tier_for(40_001).taille == 2
    assert other.tier_for(175_000).taille == 3
    assert other.tier_for(175_001).taille == 4
    assert other.tier_label(2).replace("\u202f", " ") == "plus de 40 000 à 80 000 habitants"


# --------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------


def test_fonctionnement(av2, v2019):
    expected = {1: 50_000, 2: 60_000, 3: 75_000, 4: 90_000}
    assert {t: f.valeur for t, f in av2.fonctionnement.items()} == expected
    for f in av2.fonctionnement.values():
        assert "r25-032" in f.source and "entre 50 000 et 90 000 euros" in f.source
        assert f.url == "https://www.senat.fr/rap/r25-032/r25-0325.html"
    # the Sénat gives only a range: its ends are tiers 1 and 4, tiers 2 and 3 come from the press
    assert {t: f.statut for t, f in av2.fonctionnement.items()} == {
        1: "sûr",
        2: "presse",
        3: "presse",
        4: "sûr",
    }
    assert "presse" in av2.fonctionnement[2].source and av2.fonctionnement[3].note
    # 2019: the press of November 2020 announces +75 % on these amounts
    assert {t: f.valeur for t, f in v2019.fonctionnement.items()} == expected
    for taille, f in v2019.fonctionnement.items():
        assert f.statut == "presse" and f.date == "2020"
        assert "75 %" in f.source and "FMF" in f.source and f.url == "https://fmfpro.org/?p=2134"
        # the announced amount is 1.75 times the 2019 one
        raised = {1: "87 500", 2: "105 000", 3: "131 250", 4: "157 500"}[taille]
        assert raised in f.source and int(raised.replace(" ", "")) == f.valeur * 7 // 4


def test_draft_75_percent_raise_is_not_counted(av2):
    """The November 2020 draft's +75 % fonctionnement (CPTS signing before 31/12/2021) is
    not confirmed in the signed avenant 2: no figure above the tier amounts."""
    assert max(f.valeur for f in av2.fonctionnement.values()) == 90_000
    assert not {87_500, 105_000, 131_250, 157_500} & set(_values(aci.raw()["versions"]))


def test_2019_ceilings_are_press_and_2019_only(v2019, av2):
    assert {t: f.valeur for t, f in v2019.plafonds.items()} == {
        1: 220_000,
        2: 287_000,
        3: 370_000,
        4: 450_000,
    }
    for f in v2019.plafonds.values():
        assert f.statut == "presse"
        assert "Quotidien du médecin" in f.source and f.date == "2019-11-21"
    # trap 1: never today's ceilings
    av2_numbers = set(_values(aci.raw()["versions"]["avenant-2"]))
    assert not {220_000, 287_000, 370_000, 450_000} & av2_numbers


def test_avenant2_ceilings_are_not_published(av2):
    # no source was found for any ceiling of avenant 2 (a 580 000 € tier-4 figure had none)
    for t in (1, 2, 3, 4):
        f = av2.plafonds[t]
        assert f.valeur is None and f.statut == "non publié" and not f.published
    assert 580_000 not in set(_values(aci.raw()["versions"]))


def test_letter_of_intent_aid_is_the_majority_reading_of_the_2020_drafts(av2, v2019):
    li = av2.aide_lettre_intention
    assert {t: f.valeur for t, f in li.items()} == {1: 15_000, 2: 17_500, 3: 25_000, 4: 30_000}
    for f in li.values():
        # reported from draft texts of November 2020, not from the avenant signed in 2021
        assert f.statut == "à vérifier" and f.date == "2020"
        assert "novembre 2020" in f.source and "Concours médical" in f.source
        assert "novembre 2020" in f.note and f.url.startswith("http://www.leconcoursmedical.fr/")
    # the minority reading stays visible
    assert "20 000 €" in li[3].note and "25 000 €" in li[4].note
    assert "Pharmacien de France" in li[3].note
    assert v2019.aide_lettre_intention == {}


LQDM_PROJET = "interpro-le-projet-davenant-sur-les-cpts-finalise-jusqua-575-000-euros"
LQDM_CRISE = "negociations-conventionnelles-aci-cpts-les-syndicats-reclament"

# What was read in the sources (December 2026), per family of figures: version, mission, part,
# {tier: amount}, the words the source must be named by, and the address it was read at.
MISSION_FIGURES = [
    # Le Quotidien du médecin, late 2021, last draft of avenant 2: « 80 000 euros pour une
    # CPTS de taille 1 (au lieu de 75 000 euros), 100 000 euros pour une communauté de taille 2
    # (versus 92 000 euros), 120 000 euros pour une CPTS de taille 3 et jusqu'à 150 000 euros »
    (
        "avenant-2",
        "acces_soins",
        "total",
        {1: 80_000, 2: 100_000, 3: 120_000, 4: 150_000},
        "projet d'avenant",
        LQDM_PROJET,
    ),
    # the same article, « au lieu de » / « versus »: the previous amounts of tiers 1 and 2
    ("2019", "acces_soins", "total", {1: 75_000, 2: 92_000}, "575 000 euros", LQDM_PROJET),
    # Le Quotidien du médecin, October 2021, working paper of the 14th: « de 25 000 euros pour
    # les plus petites CPTS à 50 000 euros pour les plus grandes » the first year, « de 37 500
    # euros ... et de 75 000 euros » once a serious health crisis happens
    ("avenant-2", "crises_sanitaires", "fixe", {1: 25_000, 4: 50_000}, "14 octobre", LQDM_CRISE),
    (
        "avenant-2",
        "crises_sanitaires",
        "variable",
        {1: 37_500, 4: 75_000},
        "14 octobre",
        LQDM_CRISE,
    ),
]


@pytest.mark.parametrize("version,mission,part,amounts,named,address", MISSION_FIGURES)
def test_per_mission_amounts_read_in_the_sources(version, mission, part, amounts, named, address):
    v = aci.load(version)
    for taille in (1, 2, 3, 4):
        f = v.montant_mission(mission, taille, part)
        if taille not in amounts:
            assert f.valeur is None, (taille, f)
            continue
        assert f.valeur == amounts[taille], taille
        assert f.source.startswith("Le Quotidien du médecin") and named in f.source
        assert address in f.url
        # drafts of the negotiation, not the signed text: never "sûr" nor held as a rule
        assert f.statut == "à vérifier" and f.statut not in aci.SOURCED
        assert f.note and ("non confirmée" in f.note or "ne dit pas" in f.note)
        assert v.grid_parts(mission, taille)[part] is f


def test_every_recorded_mission_amount_is_one_read_in_the_sources(av2, v2019):
    read = {
        (version, mission, part, taille): amount
        for version, mission, part, amounts, _, _ in MISSION_FIGURES
        for taille, amount in amounts.items()
    }
    recorded = {
        (v.code, mission, part, taille): fig.valeur
        for v in (av2, v2019)
        for taille, missions in v.montants_missions.items()
        for mission, parts in missions.items()
        for part, fig in parts.items()
    }
    assert recorded == read


def test_mission_amounts_no_source_gives_are_to_check_in_the_text(av2, v2019):
    for v in (av2, v2019):
        for code in v.missions:
            for taille in (1, 2, 3, 4):
                for part in ("fixe", "variable", "total"):
                    if part in v.grid_parts(code, taille):
                        continue
                    f = v.montant_mission(code, taille, part)
                    # published in the Journal officiel, found in no source: never "non publié"
                    assert f.valeur is None and f.statut == "à vérifier", (code, taille, part)
                    assert not f.published
                    assert "article 8" in f.source.lower() and "21 août 2019" in f.source
                    assert "Journal officiel" in f.note and "contrat signé" in f.note
                    assert ("avenant 2" in f.source) == (v.code == "avenant-2")
    assert v2019.grid_parts("parcours", 3) == {}
    with pytest.raises(KeyError):
        av2.montant_mission("acces_soins", 3, "bonus")
    with pytest.raises(KeyError):
        av2.montant_mission("acces_soins", 5, "fixe")


def test_a_null_figure_needs_a_reason():
    node = copy.deepcopy(aci.raw()["versions"]["avenant-2"])
    node["montants_missions"]["non_publie"]["statut"] = "presse"
    with pytest.raises(aci.AciDataError, match="valeur null"):
        aci._Parser("essai").version(node)
    node["montants_missions"]["non_publie"]["statut"] = "à vérifier"
    aci._Parser("essai").version(node)  # a text found in no source: accepted
    node["montants_missions"]["par_taille"][3]["acces_soins"]["bonus"] = node[
        "montants_missions"
    ]["par_taille"][3]["acces_soins"]["total"]
    with pytest.raises(aci.AciDataError, match="parts"):
        aci._Parser("essai").version(node)


def test_tier3_example_contract_matches_domain(av2, v2019):
    ex = av2.exemple("taille_3_annee_5")
    assert ex.taille == 3 and ex.statut == "exemple"
    assert ex.fonctionnement.valeur == 75_000
    amounts = {m: (p["fixe"].valeur, p["variable"].valeur) for m, p in ex.missions.items()}
    assert amounts == {
        "acces_soins": (90_000, 35_000),
        "parcours": (45_000, 45_000),
        "prevention": (17_500, 17_500),
        "crises_sanitaires": (22_500, 67_500),
        "qualite_pertinence": (15_000, 15_000),
        "accompagnement_ps": (10_000, 10_000),
    }
    assert {f.statut for _, f in _figures(ex)} == {"exemple"}
    assert "ARS" in ex.missions["crises_sanitaires"]["variable"].note
    # an example is never a rule amount
    assert av2.montant_mission("acces_soins", 3, "fixe").valeur is None
    assert av2.montant_mission("acces_soins", 3, "total").valeur == 120_000
    assert v2019.exemples_contrats == ()


# --------------------------------------------------------------------------------------------
# Payment
# --------------------------------------------------------------------------------------------


def test_payment_rules(av2, v2019):
    for v in (av2, v2019):
        p = v.paiement
        assert p.annee_budgetaire == "anniversaire_contrat"
        assert p.statut == "sûr" and "article 9" in p.source and "r25-032" in p.source
        f = p.regles["fonctionnement"]
        assert f.quand == "signature_puis_anniversaire"
        assert f.premier_versement.valeur == 1.0
        assert f.avance_anniversaire.valeur == 0.75
        fx = p.regles["part_fixe"]
        assert fx.quand == "demarrage_puis_anniversaire"
        assert fx.premier_versement.valeur == 0.75 and fx.prorata
        assert fx.avance_anniversaire.valeur == 0.75
        var = p.regles["part_variable"]
        assert var.quand == "apres_annee_contrat" and var.premier_versement is None
        assert var.condition == "atteinte_indicateurs"
    crise = av2.paiement.regles["part_variable_crise"]
    assert crise.condition == "crise_reconnue_par_ars"
    assert "part_variable_crise" not in v2019.paiement.regles


# --------------------------------------------------------------------------------------------
# Contract years
# --------------------------------------------------------------------------------------------


def test_contract_years_from_anniversary():
    years = aci.contract_years(dt.date(2024, 6, 20))
    # year i runs from the 20 June of 2023 + i to the 19 June of the year after
    assert years == [(i, dt.date(2023 + i, 6, 20), dt.date(2024 + i, 6, 19)) for i in range(1, 6)]
    assert years[0].index == 1 and years[0].end == dt.date(2025, 6, 19)


def test_contract_years_from_29_february():
    years = aci.contract_years(dt.date(2024, 2, 29))
    assert years == [
        (1, dt.date(2024, 2, 29), dt.date(2025, 2, 27)),
        (2, dt.date(2025, 2, 28), dt.date(2026, 2, 27)),
        (3, dt.date(2026, 2, 28), dt.date(2027, 2, 27)),
        (4, dt.date(2027, 2, 28), dt.date(2028, 2, 28)),
        (5, dt.date(2028, 2, 29), dt.date(2029, 2, 27)),
    ]


@pytest.mark.parametrize(
    "signature", [dt.date(2024, 6, 20), dt.date(2024, 2, 29), dt.date(2023, 12, 31)]
)
def test_contract_years_are_contiguous(signature):
    years = aci.contract_years(signature, n=8)
    assert len(years) == 8
    for a, b in zip(years, years[1:], strict=False):
        assert b.start == a.end + dt.timedelta(days=1)
        assert b.index == a.index + 1


def test_contract_years_edge_inputs():
    assert aci.contract_years(dt.date(2024, 6, 20), n=0) == []
    assert aci.contract_years(dt.datetime(2024, 6, 20, 10, 30))[0].start == dt.date(2024, 6, 20)
    with pytest.raises(ValueError):
        aci.contract_years(dt.date(2024, 6, 20), n=-1)
    with pytest.raises(TypeError):
        aci.contract_years("2024-06-20")


# --------------------------------------------------------------------------------------------
# Light import
# --------------------------------------------------------------------------------------------


def test_loading_does_not_import_heavy_modules():
    code = (
        "import sys\n"
        "from cpts_cli.referentiel import aci\n"
        "aci.load(); aci.load('2019')\n"
        "print(sorted(m for m in ('typer', 'jsonschema', 'rich', 'questionary') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --------------------------------------------------------------------------------------------
# Source addresses and per-bound readings in the data file
# --------------------------------------------------------------------------------------------


def test_every_address_is_a_web_address():
    urls = [f["url"] for _, f in _raw_figures(aci.raw()["versions"]) if "url" in f]
    assert urls and all(re.fullmatch(r"https?://\S+", u) for u in urls)


def _tiers_node(**max_inclus) -> dict:
    node = copy.deepcopy(aci.raw()["versions"]["avenant-2"])
    node["tailles"]["liste"][0]["max_inclus"] = max_inclus or None
    return node


@pytest.mark.parametrize(
    "figure,message",
    [
        ({"valeur": "oui", "statut": "sûr", "source": "s", "date": "2025"}, "vrai ou faux"),
        ({"valeur": True, "statut": "sûr", "source": "s", "date": "2025", "url": "ftp://x"}, "url"),
        ({"valeur": True, "statut": "certain", "source": "s", "date": "2025"}, "statut"),
    ],
)
def test_malformed_bound_reading_is_refused(figure, message):
    node = _tiers_node(**figure)
    with pytest.raises(aci.AciDataError, match=message):
        aci._Parser("essai").version(node)


def test_last_tier_has_no_bound_reading():
    node = copy.deepcopy(aci.raw()["versions"]["avenant-2"])
    node["tailles"]["liste"][-1]["max_inclus"] = {
        "valeur": True,
        "statut": "sûr",
        "source": "s",
        "date": "2025",
    }
    with pytest.raises(aci.AciDataError, match="seulement avec un max"):
        aci._Parser("essai").version(node)
