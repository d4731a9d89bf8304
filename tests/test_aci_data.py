"""ACI CPTS rules shipped as data (cpts_cli/referentiel/aci.yaml): facts from DOMAIN.md §4/§7."""

from __future__ import annotations

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
            # no figure: "non publié", or sources disagree and both readings are kept
            assert fig["statut"] == "non publié" or (
                fig["statut"] == "à vérifier" and len(fig.get("lectures", [])) >= 2
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


@pytest.mark.parametrize(
    "population,taille",
    [
        (0, 1),
        (39_999, 1),
        (40_000, 2),  # the bound belongs to the tier above (chosen reading)
        (79_999, 2),
        (80_000, 3),
        (85_000, 3),
        (174_999, 3),
        (175_000, 4),
        (176_000, 4),
        (2_000_000, 4),
    ],
)
def test_tier_for(av2, population, taille):
    assert av2.tier_for(population).taille == taille
    assert av2.tier_for(population).tier.taille == taille


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
    else:
        assert "2 %" in r.bound_note and "à vérifier" in r.bound_note


def test_tier_for_rejects_bad_population(av2):
    with pytest.raises(ValueError):
        av2.tier_for(-1)
    with pytest.raises(TypeError):
        av2.tier_for(True)
    with pytest.raises(TypeError):
        av2.tier_for(40000.0)


def test_upper_included_reading_is_a_data_change(av2):
    other = dataclasses.replace(
        av2, borne=dataclasses.replace(av2.borne, valeur=aci.BORNE_SUPERIEURE_INCLUSE)
    )
    assert other.tier_for(40_000).taille == 1
    assert other.tier_for(40_001).taille == 2
    assert other.tier_for(175_000).taille == 3
    assert other.tier_for(175_001).taille == 4


# --------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------


def test_fonctionnement(av2, v2019):
    expected = {1: 50_000, 2: 60_000, 3: 75_000, 4: 90_000}
    assert {t: f.valeur for t, f in av2.fonctionnement.items()} == expected
    for f in av2.fonctionnement.values():
        assert f.statut == "sûr" and "r25-032" in f.source
    # same figures, but the 2025 source does not confirm them for the 2019 text
    assert {t: f.valeur for t, f in v2019.fonctionnement.items()} == expected
    assert {f.statut for f in v2019.fonctionnement.values()} == {"à vérifier"}


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


def test_avenant2_ceilings(av2):
    for t in (1, 2, 3):
        f = av2.plafonds[t]
        assert f.valeur is None and f.statut == "non publié" and not f.published
    assert av2.plafonds[4].valeur == 580_000
    assert av2.plafonds[4].statut == "presse"
    assert "SML" in av2.plafonds[4].source


def test_letter_of_intent_aid_keeps_both_press_readings(av2, v2019):
    li = av2.aide_lettre_intention
    assert {f.statut for f in li.values()} == {"à vérifier"}
    assert (li[1].valeur, li[2].valeur) == (15_000, 17_500)
    assert li[3].valeur is None and set(li[3].lectures) == {25_000, 20_000}
    assert li[4].valeur is None and set(li[4].lectures) == {30_000, 25_000}
    assert li[3].published
    assert v2019.aide_lettre_intention == {}


def test_per_mission_rule_amounts_are_not_published(av2, v2019):
    for v in (av2, v2019):
        assert v.montants_missions == {}
        for code in v.missions:
            for taille in (1, 2, 3, 4):
                for part in ("fixe", "variable"):
                    f = v.montant_mission(code, taille, part)
                    assert f.valeur is None and f.statut == "non publié", (code, taille, part)
    with pytest.raises(KeyError):
        av2.montant_mission("acces_soins", 3, "bonus")
    with pytest.raises(KeyError):
        av2.montant_mission("acces_soins", 5, "fixe")


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
