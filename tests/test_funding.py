"""``cpts funding``: amounts with their sources, payment calendar, variable part earned."""

from __future__ import annotations

import copy
import datetime as dt
import json
from functools import cache

import pytest

from cpts_cli.funding.model import compute, euros, funding_for_path

from .conftest import EXAMPLES

SIGNATURE = "2024-06-20"  # the worked example's contract


@cache
def _example_plain() -> dict:
    from cpts_cli.project.load import read_path

    return read_path(EXAMPLES / "sud-dijonnais.yaml").plain


def example_data() -> dict:
    """A fresh copy of the worked example as plain data."""
    return copy.deepcopy(_example_plain())


def flat(text: str) -> str:
    """Narrow and no-break spaces as plain spaces, for readable assertions."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def write(tmp_path, data: dict, name: str = "cpts.yaml"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    return path


def contract_mission(data: dict, code: str) -> dict:
    return next(m for m in data["validation"]["contrat"]["missions"] if m["mission"] == code)


def payments(result, **match):
    return [
        p for p in result.calendrier.versements if all(getattr(p, k) == v for k, v in match.items())
    ]


# --------------------------------------------------------------------------------------------
# The worked example
# --------------------------------------------------------------------------------------------


def test_worked_example_tier_and_contract_amounts(example):
    data = example_data()
    result = funding_for_path(example)
    assert result.erreurs == []
    assert result.population.valeur == 86751 and result.communes == 75
    assert result.taille.taille == 3 and result.taille.borne_proche is None
    assert result.fonctionnement.valeur == 75000
    assert result.fonctionnement.statut == "contrat"
    assert result.fonctionnement.source == "contrat signé le 20 juin 2024"
    assert result.fonctionnement_bareme.valeur == 75000
    # the Sénat gives only the 50 000–90 000 € range: the tier-3 amount is the press's
    assert result.fonctionnement_bareme.statut == "presse"
    # avenant 2, tier 3: no published ceiling.
    assert result.plafond.valeur is None and result.plafond.statut == "non publié"
    # The missions and amounts are the contract's, in its order.
    contract = data["validation"]["contrat"]["missions"]
    assert [m.code for m in result.missions] == [m["mission"] for m in contract]
    for m, c in zip(result.missions, contract, strict=True):
        assert (m.fixe.valeur, m.variable.valeur) == (c["fixe"], c["variable"])
        assert m.fixe.statut == m.variable.statut == "contrat"
        assert m.fixe.source.startswith("contrat signé le 20 juin 2024")
    assert result.exemples == []  # a signed contract: the data file's example is not shown
    crisis = next(m for m in result.missions if m.code == "crises_sanitaires")
    assert crisis.variable_conditionnelle
    # Totals: the crisis variable part is never counted.
    fixes = sum(c["fixe"] for c in contract)
    variables = sum(c["variable"] for c in contract if c["mission"] != "crises_sanitaires")
    assert result.totaux.fonctionnement_et_fixes.valeur == 75000 + fixes
    assert result.totaux.variable_maximum.valeur == variables
    assert result.totaux.total_maximum.valeur == 75000 + fixes + variables
    assert result.totaux.variable_crise.valeur == 67500


def test_worked_example_year_1_variable_by_hand(example):
    data = example_data()
    year = next(y for y in data["mise_en_oeuvre"]["annees"] if y["annee"] == 1)
    levels = {r["indicateur"]: r["niveau_atteint"] for r in year["resultats"]}
    # The inputs of the hand computation below, as written in the example.
    assert year["annee"] == 1 and year["crise_reconnue"] is False
    assert levels == {
        "I1": "intermediaire",
        "I2": "atteint",
        "I3": "atteint",
        "I4": "socle",
        "I5": "intermediaire",
        "I6": "atteint",
        "I7": "aucun",
        "I8": "aucun",
        "I9": "atteint",
        "I10": "aucun",
    }
    # I1 20 000 × 75 % + I2 15 000; I3 20 000 + I4 25 000 × 50 %; I5 10 000 × 75 % + I6 7 500;
    # crises: no crisis recognised; I9 7 500 + I10 nothing.
    expected = {
        "acces_soins": 20000 * 0.75 + 15000,
        "parcours": 20000 + 25000 * 0.5,
        "prevention": 10000 * 0.75 + 7500,
        "crises_sanitaires": 0,
        "qualite_pertinence": 7500 + 0,
    }
    result = funding_for_path(example)
    earned = next(y for y in result.variable_acquise if y.annee == 1)
    assert not earned.crise_reconnue
    assert (earned.debut, earned.fin) == ("2024-06-20", "2025-06-19")
    assert {m.code: m.acquis for m in earned.missions} == expected
    assert earned.total == sum(expected.values()) == 85000
    assert earned.total_hors_crise == 85000
    i1 = next(i for m in earned.missions for i in m.indicateurs if i.id == "I1")
    assert (i1.part, i1.montant, i1.montant_acquis) == (0.75, 20000, 15000)
    # The calendar pays the year-1 variable part earned, after the year.
    variable = payments(result, annee=1, poste="part_variable")
    assert sum(p.montant for p in variable) == 85000
    assert {p.date for p in variable} == {"2025-06-20"}
    assert all(p.certitude == "calculé" for p in variable)


def test_worked_example_payment_calendar():
    data = example_data()  # with the results of year 1 only
    annees = data["mise_en_oeuvre"]["annees"]
    data["mise_en_oeuvre"]["annees"] = [y for y in annees if y["annee"] == 1]
    result = compute(data, today=dt.date(2025, 11, 1))
    cal = result.calendrier
    assert cal.message is None and cal.date_signature == SIGNATURE
    anniversaries = ["2024-06-20", "2025-06-20", "2026-06-20", "2027-06-20", "2028-06-20"]
    anniversaries.append("2029-06-20")
    # Fonctionnement: in full at signature, then 75 % at each anniversary, balance a year later.
    fonct = [
        (p.date, p.annee, p.montant, p.nature) for p in payments(result, poste="fonctionnement")
    ]
    assert fonct[0] == ("2024-06-20", 1, 75000, "avance")
    for k in range(2, 6):
        assert (anniversaries[k - 1], k, 75000 * 0.75, "avance") in fonct
        assert (anniversaries[k], k, 75000 * 0.25, "solde") in fonct
    assert len(fonct) == 9
    # Accès aux soins starts 3 months after signature: year 1 is 9/12 of 90 000.
    acces = payments(result, mission="acces_soins", poste="part_fixe")
    assert (acces[0].date, acces[0].montant, acces[0].nature) == (
        "2024-09-20",
        90000 * 9 / 12 * 0.75,
        "avance",
    )
    assert (acces[1].date, acces[1].montant, acces[1].nature) == (
        "2025-06-20",
        90000 * 9 / 12 * 0.25,
        "solde",
    )
    year2 = [p for p in acces if p.annee == 2]
    assert [(p.date, p.montant) for p in year2] == [
        ("2025-06-20", 90000 * 0.75),
        ("2026-06-20", 90000 * 0.25),
    ]
    # Qualité starts at 12 months: nothing fixed in year 1, the whole year 2.
    qualite = payments(result, mission="qualite_pertinence", poste="part_fixe")
    assert min(p.annee for p in qualite) == 2
    assert qualite[0].date == "2025-06-20" and qualite[0].montant == 15000 * 0.75
    # Every date is the signature, an anniversary or a mission start.
    starts = {m.demarrage for m in result.missions}
    assert {p.date for p in cal.versements} <= set(anniversaries) | starts
    # Year totals.
    y1 = cal.annees[0]
    assert (y1.debut, y1.fin) == ("2024-06-20", "2025-06-19")
    assert y1.fixe == 90000 * 9 / 12 + 45000 * 3 / 12 + 17500 * 6 / 12 + 22500 * 6 / 12
    assert y1.fonctionnement == 75000 and y1.variable == 85000
    assert y1.variable_certitude == "calculé"
    y2 = cal.annees[1]
    assert y2.fixe == 90000 + 45000 + 17500 + 22500 + 15000
    assert y2.variable == 35000 + 45000 + 17500 + 15000 and y2.variable_certitude == "maximum"
    assert y2.variable_crise_non_comptee == 67500
    assert y2.total == 75000 + y2.fixe + y2.variable
    # Past dates (today is frozen at 2025-11-01) are flagged.
    assert all(p.echu == (p.date <= "2025-11-01") for p in cal.versements)


def test_crisis_variable_never_expected():
    data = example_data()
    del data["mise_en_oeuvre"]
    result = compute(data, today=dt.date(2025, 11, 1))
    crisis = payments(result, mission="crises_sanitaires", poste="part_variable")
    assert crisis == []
    assert all(y.variable_crise_non_comptee == 67500 for y in result.calendrier.annees[1:])
    assert result.totaux.variable_maximum.valeur == 35000 + 45000 + 17500 + 15000
    assert "jamais" in result.totaux.variable_crise.note
    # Year 1: the missions started in year 1 may earn their variable part (maximum).
    assert result.calendrier.annees[0].variable == 35000 + 45000 + 17500
    assert result.calendrier.annees[0].variable_certitude == "maximum"


def test_several_years_with_a_recognised_crisis(tmp_path, cli):
    data = example_data()
    contract_mission(data, "acces_soins")["variable"] = 30000  # indicators: 20 000 + 15 000

    def year(number: int, crisis: bool, levels: dict) -> dict:
        """The record of contract year ``number``: the level reached for each indicator."""
        results = [
            {"indicateur": k, "resultat": "—", "niveau_atteint": v, "preuves": ["p"]}
            for k, v in levels.items()
        ]
        return {"annee": number, "crise_reconnue": crisis, "resultats": results}

    year1 = next(y for y in data["mise_en_oeuvre"]["annees"] if y["annee"] == 1)
    year2 = year(
        2,
        True,
        {"I1": "objectif", "I2": "aucun", "I3": "atteint", "I4": "intermediaire"}
        | {"I5": "aucun", "I6": "atteint", "I7": "atteint", "I8": "intermediaire"}
        | {"I9": "atteint", "I10": "socle"},
    )
    year3 = year(
        3,
        False,
        {"I1": "objectif", "I2": "atteint", "I3": "atteint", "I4": "objectif"}
        | {"I5": "objectif", "I6": "atteint", "I7": "atteint", "I8": "objectif"}
        | {"I9": "atteint", "I10": "objectif"},
    )
    data["mise_en_oeuvre"]["annees"] = [year1, year2, year3]
    path = write(tmp_path, data)
    result = funding_for_path(path)
    assert result.erreurs == []
    earned = {y.annee: y for y in result.variable_acquise}
    assert sorted(earned) == [1, 2, 3]
    by_mission = {k: {m.code: m for m in y.missions} for k, y in earned.items()}
    # Year 1 as in the example, but accès aux soins now capped at 30 000 (no effect: 30 000).
    assert by_mission[1]["acces_soins"].acquis == 20000 * 0.75 + 15000
    # Year 2: a crisis recognised, the crisis variable part counts.
    y2 = by_mission[2]
    assert y2["acces_soins"].acquis == 20000
    assert y2["parcours"].acquis == 20000 + 25000 * 0.75
    assert y2["prevention"].acquis == 0 + 7500
    assert y2["crises_sanitaires"].acquis == 37500 + 30000 * 0.75
    assert y2["qualite_pertinence"].acquis == 7500 + 7500 * 0.5
    assert earned[2].crise_reconnue
    assert any("année de contrat 2, qui n'est pas finie" in a for a in result.alertes)
    assert earned[2].total == sum(m.acquis for m in y2.values())
    assert earned[2].total_hors_crise == earned[2].total - (37500 + 30000 * 0.75)
    # Year 3: everything reached; accès aux soins capped; no crisis: crisis part not due.
    y3 = by_mission[3]
    assert y3["acces_soins"].total_indicateurs == 35000
    assert y3["acces_soins"].acquis == 30000 and y3["acces_soins"].plafonne
    assert y3["crises_sanitaires"].acquis == 0 and y3["crises_sanitaires"].total_indicateurs
    assert earned[3].total == 30000 + 45000 + 17500 + 15000
    # Calendar: the crisis variable part appears for year 2 only, with the amount earned.
    crisis = payments(result, mission="crises_sanitaires", poste="part_variable")
    assert [(p.annee, p.montant, p.date) for p in crisis] == [(2, 60000, "2026-06-20")]
    years = {y.annee: y for y in result.calendrier.annees}
    assert years[2].variable == earned[2].total and years[2].variable_certitude == "calculé"
    assert years[3].variable == earned[3].total
    assert years[4].variable_certitude == "maximum"
    assert years[4].variable == 30000 + 45000 + 17500 + 15000
    assert years[4].variable_crise_non_comptee == 67500
    assert years[2].variable_crise_non_comptee is None
    # The text report shows each year.
    out = flat(cli("funding", path).out)
    assert "Part variable acquise — année 2" in out and "crise reconnue par l'ARS" in out
    assert "Total des indicateurs plafonné à la part variable (30 000 €)" in out


# --------------------------------------------------------------------------------------------
# Tiers, ceilings, versions
# --------------------------------------------------------------------------------------------


FONCT_T3 = (
    "75 000 € (presse — Sénat, rapport r25-032 (2025) : « entre 50 000 et 90 000 euros » ; "
    "presse, novembre 2020)"
)


def _with_population(valeur: int, aci: str | int = "avenant-2") -> dict:
    data = example_data()
    data["aci"] = aci
    data["territoire"]["population"] = {"valeur": valeur, "source": "Courrier de la CPAM"}
    return data


def test_population_override_and_bound_note(tmp_path, cli):
    result = compute(_with_population(79500))
    assert result.population.valeur == 79500
    assert result.population.statut == "déclaré"
    assert result.population.source == "Courrier de la CPAM"
    assert "86 751" in flat(result.population.note)
    assert result.taille.taille == 2 and result.taille.borne_proche == 80000
    assert result.taille.note_borne in result.alertes
    assert "2 %" in flat(result.taille.note_borne)
    far = compute(_with_population(100000))
    assert far.taille.taille == 3 and far.taille.note_borne is None
    out = flat(cli("funding", write(tmp_path, _with_population(80500))).out)
    assert "à moins de 2 % de la borne 80 000" in out


@pytest.mark.parametrize("aci", ["2019", 2019])
def test_aci_2019_ceilings_and_missions(aci):
    expected = {30000: 220000, 60000: 287000, 100000: 370000, 200000: 450000}
    for population, ceiling in expected.items():
        data = _with_population(population, aci)
        del data["validation"]["contrat"], data["mise_en_oeuvre"]
        result = compute(data)
        assert result.aci_version == "2019"
        assert (result.plafond.valeur, result.plafond.statut) == (ceiling, "presse")
        # 3 socle missions before avenant 2, plus the optional one with fiches-actions.
        codes = [m.code for m in result.missions]
        assert "crises_sanitaires" not in codes
        assert codes == ["acces_soins", "parcours", "prevention", "qualite_pertinence"]


def test_avenant_2_ceilings():
    # no source gives a ceiling of avenant 2, tier 4 included
    for population in (30000, 60000, 100000, 200000):
        result = compute(_with_population(population))
        assert result.plafond.valeur is None and result.plafond.statut == "non publié"
    assert result.taille.taille == 4
    assert result.fonctionnement.statut == "contrat"  # the contract still rules
    assert result.fonctionnement_bareme.valeur == 90000
    assert result.fonctionnement_bareme.statut == "sûr"  # an end of the Sénat's range


@pytest.mark.parametrize(
    "population,taille,label",
    [
        (39_999, 1, "moins de 40 000 habitants"),
        (40_000, 2, "de 40 000 à moins de 80 000 habitants"),
        (40_001, 2, "de 40 000 à moins de 80 000 habitants"),
        (79_999, 2, "de 40 000 à moins de 80 000 habitants"),
        (80_000, 3, "de 80 000 à 175 000 habitants"),
        (80_001, 3, "de 80 000 à 175 000 habitants"),
        (174_999, 3, "de 80 000 à 175 000 habitants"),
        (175_000, 3, "de 80 000 à 175 000 habitants"),
        (175_001, 4, "plus de 175 000 habitants"),
    ],
)
def test_tier_and_its_label_at_each_bound(tmp_path, cli, population, taille, label):
    result = compute(_with_population(population))
    assert (result.taille.taille, flat(result.taille.libelle)) == (taille, label)
    out = flat(cli("funding", "-q", write(tmp_path, _with_population(population))).out)
    assert f"{taille} ({label} ; sûr)" in out


def test_no_contract_uses_data_file_and_labels_the_example(tmp_path, cli):
    data = example_data()
    del data["validation"]["contrat"], data["mise_en_oeuvre"]
    result = compute(data)
    assert result.fonctionnement.valeur == 75000 and result.fonctionnement.statut == "presse"
    assert result.fonctionnement.source.startswith("Sénat, rapport r25-032 (2025) : « entre")
    codes = [m.code for m in result.missions]
    assert codes == [
        "acces_soins",
        "parcours",
        "prevention",
        "crises_sanitaires",
        "qualite_pertinence",  # has fiches-actions in the projet de santé
    ]
    for m in result.missions:
        # fixed by the ACI's article 8 (published), read in no source: to check in the text
        assert m.fixe.valeur is None and m.fixe.statut == "à vérifier"
        assert m.variable.valeur is None and m.variable.statut == "à vérifier"
        assert "article 8" in m.fixe.source.lower() and "Journal officiel" in m.fixe.note
    assert result.totaux.total_maximum.valeur is None
    [ex] = result.exemples
    assert ex.taille == 3 and "pas une règle" in ex.avertissement
    assert {m.fixe.statut for m in ex.missions} == {"exemple"}
    assert result.calendrier.versements == [] and "date de signature" in result.calendrier.message
    out = flat(cli("funding", write(tmp_path, data)).out)
    assert FONCT_T3 in out
    assert "non publié" in out
    assert "Exemple d'un contrat réel, pas une règle" in out
    assert "90 000 € (exemple)" in out
    assert "demande la date de signature" in out
    # A tier-2 project has no example of its tier.
    data["territoire"]["population"] = {"valeur": 50000, "source": "CPAM"}
    assert compute(data).exemples == []


def test_payment_dates_from_29_february():
    data = example_data()
    data["validation"]["contrat"]["date_signature"] = "2024-02-29"
    del data["mise_en_oeuvre"]
    result = compute(data)
    years = result.calendrier.annees
    assert [(y.debut, y.fin) for y in years] == [
        ("2024-02-29", "2025-02-27"),
        ("2025-02-28", "2026-02-27"),
        ("2026-02-28", "2027-02-27"),
        ("2027-02-28", "2028-02-28"),
        ("2028-02-29", "2029-02-27"),
    ]
    fonct = payments(result, poste="fonctionnement")
    assert sorted({p.date for p in fonct}) == [
        "2024-02-29",
        "2025-02-28",
        "2026-02-28",
        "2027-02-28",
        "2028-02-29",
        "2029-02-28",
    ]
    acces = payments(result, mission="acces_soins", poste="part_fixe")
    assert acces[0].date == "2024-05-29"  # 3 months after signature
    qualite = payments(result, mission="qualite_pertinence", poste="part_fixe")
    assert (qualite[0].date, qualite[0].annee) == ("2025-02-28", 2)  # 12 months: anniversary
    assert result.contrat.fin == "2029-02-27"


def test_start_month_defaults_to_the_aci_deadline():
    data = example_data()
    del data["projet_sante"]["calendrier_deploiement"]["parcours"]
    del data["projet_sante"]["calendrier_deploiement"]["qualite_pertinence"]
    result = compute(data)
    parcours = next(m for m in result.missions if m.code == "parcours")
    assert parcours.demarrage_mois.valeur == 12 and "Hypothèse" in parcours.demarrage_mois.note
    # An optional mission has no ACI deadline: its payments are not dated, and we say so.
    assert payments(result, mission="qualite_pertinence", poste="part_fixe") == []
    assert any("Qualité et pertinence" in a and "démarrage" in a for a in result.alertes)


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------


def test_cli_text_json_and_quiet(cli, example):
    text = cli("funding", example)
    assert text.code == 0, text
    out = flat(text.out)
    assert "75 000 € (contrat signé le 20 juin 2024)" in out
    assert FONCT_T3 in out
    assert "Plafond annuel" in out and "non publié" in out
    assert "25 000 € (à vérifier — Projet d'avenant 2 de novembre 2020 (Le Concours médical" in out
    assert "Calendrier des versements" in out and "Part variable acquise — année 1" in out
    assert "67 500 € (contrat) — seulement si l'ARS reconnaît une crise" in out
    quiet = cli("funding", example, "-q")
    assert quiet.code == 0 and "Fonctionnement annuel" in quiet.out
    assert "Calendrier des versements" not in quiet.out and "Missions" not in quiet.out
    as_json = cli("funding", example, "--format", "json")
    assert as_json.code == 0
    assert as_json.json() == json.loads(json.dumps(funding_for_path(example).to_dict()))


def test_default_file_is_cpts_yaml(cli, example):
    result = cli("funding", "-q", cwd=example.parent)
    assert result.code == 0 and "CPTS du Sud Dijonnais" in result.out


def test_no_territory_exit_1(tmp_path, cli):
    data = example_data()
    data["territoire"] = {"justification": "à définir"}
    path = write(tmp_path, data)
    result = cli("funding", path)
    assert result.code == 1
    assert "pas de territoire" in result.err and "Traceback" not in result.err
    as_json = cli("funding", path, "--format", "json")
    assert as_json.code == 1 and as_json.json()["erreurs"]


def test_unreadable_files_exit_2(tmp_path, cli):
    result = cli("funding", tmp_path / "absent.yaml")
    assert result.code == 2 and "Fichier introuvable" in result.err
    bad = tmp_path / "bad.yaml"
    bad.write_text("cpts: [nom\n", encoding="utf-8")
    result = cli("funding", bad)
    assert result.code == 2 and "ne peut pas être lu" in result.err


def test_euros():
    assert flat(euros(75000)) == "75 000 €"
    assert flat(euros(6562.5)) == "6 562,50 €"
    assert euros(None) == "non publié"


def test_broken_files_never_crash(tmp_path, cli):
    from .test_bad_files import CASES

    path = tmp_path / "cpts.yaml"
    for name, raw, _expected, parsed in CASES:
        path.write_bytes(raw)
        result = cli("funding", path)
        assert "Traceback" not in result.out + result.err, name
        assert result.code == (1 if parsed else 2), (name, result)
        assert path.read_bytes() == raw


def test_hostile_values_give_alerts_not_crashes():
    data = example_data()
    data["aci"] = True
    contract = data["validation"]["contrat"]
    contract["fonctionnement"] = "beaucoup"
    contract["missions"][0]["fixe"] = None
    contract["missions"][0]["indicateurs"][0]["niveaux"] = "tous"
    contract["missions"].append({"mission": "inventee", "fixe": 1, "variable": 2})
    data["projet_sante"]["calendrier_deploiement"]["parcours"] = {"demarrage_mois": 10**9}
    data["mise_en_oeuvre"]["annees"] += [{"annee": 1}, {"annee": 9}, "x", {"annee": [1]}]
    result = compute(data)
    assert result.erreurs == []
    assert result.fonctionnement.statut == "presse"  # not a number in the contract: the data file
    acces = result.missions[0]
    assert acces.fixe.valeur is None and acces.fixe.statut == "non renseigné"
    assert payments(result, mission="parcours", poste="part_fixe") == []
    alerts = " ".join(result.alertes)
    for words in ("Version de l'ACI inconnue", "inventee", "après la fin du contrat", "au contrat"):
        assert words in alerts
    assert "notée deux fois" in alerts and "hors du contrat" in alerts
    i1 = result.variable_acquise[0].missions[0].indicateurs[0]
    assert i1.montant_acquis == 0 and "absente du contrat" in i1.note
    far = example_data()
    far["validation"]["contrat"]["date_signature"] = "9999-01-01"
    assert compute(far).calendrier.versements == []


def test_a_cumulative_result_earns_no_level(tmp_path):
    """Issue 13: « 830 depuis la signature » against 800 per year (540 in year 1) is a total
    since the signature, not the year's result: it earns nothing, and says why."""
    data = example_data()
    year2 = data["mise_en_oeuvre"]["annees"][1]
    year2["activite"]["actions"] = (
        "830 patients orientés vers un médecin traitant depuis la signature, 19 médecins "
        "effecteurs du SAS."
    )
    result = compute(data, today=dt.date(2026, 11, 1))
    earned = next(y for y in result.variable_acquise if y.annee == 2)
    i1 = next(i for m in earned.missions for i in m.indicateurs if i.id == "I1")
    assert (i1.resultat, i1.niveau_atteint, i1.part, i1.montant_acquis) == (
        830,
        "objectif",
        0.0,
        0,
    )
    assert "depuis le début du contrat" in i1.note
    # The same figure given for the year alone earns its level.
    year2["activite"]["actions"] = "830 patients orientés dans l'année (1 370 depuis la signature)."
    result = compute(data, today=dt.date(2026, 11, 1))
    earned = next(y for y in result.variable_acquise if y.annee == 2)
    i1 = next(i for m in earned.missions for i in m.indicateurs if i.id == "I1")
    assert (i1.part, i1.montant_acquis) == (1.0, 20000)
