"""``cpts fill`` completes what the documents need: people chosen from the file, month dates
for plans, the contract's indicators and optional missions, the reason for an actor outside
the territory, no question that contradicts the previous answer, the true closing hint."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from cpts_cli.fill import SKIP, fill
from cpts_cli.project.load import read_path

from .conftest import EXAMPLES, ROOT, TODAY

ENTER = "\r"
DOWN = "\x1b[B"


class Script:
    """An asker that answers from a function of the prompt, and records what it was asked."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.asked: list = []
        self.said: list[str] = []
        self.confirms: dict[str, int] = {}

    def ask(self, p):
        self.asked.append(p)
        value = self.answer(p)
        if p.kind == "confirm" and value is None:  # what is proposed, a few times at most
            self.confirms[p.message] = n = self.confirms.get(p.message, 0) + 1
            return bool(p.default) and n <= 3
        if p.kind == "text" and p.validate is not None and value:
            assert p.validate(value) is None, (p.message, value, p.validate(value))
        return value

    def say(self, text, kind="info"):
        self.said.append(text)

    def messages(self) -> list[str]:
        return [p.message for p in self.asked]


def plausible(p):
    """What a hurried user answers: the proposal, else the first choice, else a value."""
    if p.kind == "confirm":
        return None
    if p.kind == "select":
        values = [v for v, _ in p.choices if v is not SKIP and v is not None]
        return p.default if p.default in values else values[0]
    if p.kind == "checkbox":
        return [p.choices[0][0]]
    if "terminer" in p.hint:
        return ""
    if p.default:
        return p.default
    if "AAAA" in p.hint:
        return "2024-03-15"
    return "12" if "nombre" in p.hint else f"Réponse : {p.message}"


def example_text() -> str:
    return (EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8")


def without(text: str, *sections: str) -> str:
    """The example with ``sections`` emptied (``name: {}``) and their steps not recorded."""
    for name in sections:
        start = re.search(rf"^{name}:", text, flags=re.M)
        end = re.search(r"^(?:# |[a-z_]+:)", text[start.end() :], flags=re.M)
        stop = start.end() + end.start() if end else len(text)
        text = text[: start.start()] + f"{name}: {{}}\n\n" + text[stop:]
        text = re.sub(rf"^  {name}:\n    terminee_le: .*\n", "", text, flags=re.M)
    return text


def spawn(*args: str):
    pexpect = pytest.importorskip("pexpect")
    return pexpect.spawn(
        sys.executable,
        ["-m", "cpts_cli", *args],
        cwd=str(ROOT),
        env={
            "TERM": "xterm",
            "NO_COLOR": "1",
            "PATH": "/usr/bin:/bin",
            "PROMPT_TOOLKIT_NO_CPR": "1",
            "SOURCE_DATE_EPOCH": "1761998400",  # 2025-11-01, as the other tests
        },
        encoding="utf-8",
        timeout=30,
        dimensions=(100, 160),
    )


# --------------------------------------------------------------------------- e. no contradiction


@pytest.fixture
def at_validation(tmp_path) -> Path:
    path = tmp_path / "cpts.yaml"
    path.write_text(without(example_text(), "validation", "mise_en_oeuvre"), encoding="utf-8")
    return path


def test_a_decision_rendered_is_asked_at_once_not_add_a_decision(at_validation):
    def answer(p):
        if p.message.startswith("Où en est la validation"):
            return 0  # « L'ARS a rendu sa décision »
        return plausible(p)

    asker = Script(answer)
    result = fill(read_path(at_validation), asker, "validation", today=TODAY, write=False)
    asked = asker.messages()
    assert "Ajouter une décision ?" not in asked
    decisions = result.report.document.plain["validation"]["decisions"]
    assert len(decisions) == 1 and decisions[0]["instance"] == "ars"
    # The next ones are still offered.
    assert "Ajouter une autre décision ?" in asked


def test_a_decision_through_the_cli_starts_with_its_date(at_validation):
    child = spawn("fill", "validation", "-f", str(at_validation))
    child.expect("Où en est la validation")
    child.send(ENTER)  # L'ARS a rendu sa décision
    index = child.expect(["Ajouter une décision", "Date"])
    assert index == 1, "asked « Ajouter une décision ? » after « L'ARS a rendu sa décision »"
    child.sendline("2024-01-26")
    child.expect("Instance")
    child.terminate(force=True)


# --------------------------------------------------------------------------- f. closing hint


@pytest.fixture
def at_presentation(tmp_path) -> Path:
    """The worked example at step 6: presentation onwards not written nor recorded."""
    path = tmp_path / "cpts.yaml"
    text = without(
        example_text(), "presentation", "projet_sante", "validation", "mise_en_oeuvre"
    )
    path.write_text(text, encoding="utf-8")
    return path


def test_an_earlier_step_complete_does_not_say_cpts_next(at_presentation):
    from cpts_cli.cli.cmd_fill import completed_hint

    result = fill(read_path(at_presentation), Script(plausible), "diagnostic", today=TODAY)
    assert result.complete and result.report.current == "presentation"
    hint = completed_hint(result)
    assert "cpts next" not in hint
    assert hint.startswith("Les questions de l'étape 3 « ")
    assert "Le projet est à l'étape 6 « Présenter le projet de CPTS »" in hint
    assert "» : présentez le projet à l’ARS" in hint.replace("'", "’")  # cpts status’s action


def test_the_current_step_complete_says_cpts_next(at_presentation):
    from cpts_cli.cli.cmd_fill import completed_hint
    from cpts_cli.workflow.status import next_action

    path = at_presentation
    result = fill(read_path(path), Script(plausible), "presentation", today=TODAY, write=False)
    assert result.complete
    assert completed_hint(result) == "Étape 6 « Présenter le projet de CPTS » complète : cpts next"
    assert "cpts next" in next_action(result.report)


def test_fill_of_an_earlier_step_through_the_cli_names_the_true_next_action(
    at_presentation, cli
):
    child = spawn("fill", "diagnostic", "-f", str(at_presentation))
    child.expect("Rien ne manque")
    child.expect(pytest.importorskip("pexpect").EOF)
    child.close()
    out = child.before
    assert child.exitstatus == 0
    assert "cpts next" not in out
    assert "Le projet est à l'étape 6" in re.sub(r"\s+", " ", out)
    action = cli("status", "--format", "json", at_presentation).json()["prochaine_action"]
    assert action[0].lower() + action[1:] in re.sub(r"\s+", " ", out)


# --------------------------------------------------------------------------- a. people


@pytest.fixture
def at_letter(tmp_path) -> Path:
    path = tmp_path / "cpts.yaml"
    text = without(
        example_text(),
        "lettre_intention", "presentation", "projet_sante", "validation", "mise_en_oeuvre",
    )  # fmt: skip
    path.write_text(text, encoding="utf-8")
    return path


def signatory_prompts(asker: Script) -> list:
    return [p for p in asker.asked if p.message == "Nom" and p.kind == "select"]


def test_signataires_are_chosen_among_the_people_of_the_file_each_once(at_letter):
    def answer(p):
        if p.message == "Ajouter un autre signataire ?":
            return sum(q.message == p.message for q in asker.asked) <= 2
        if p.message == "Ajouter un signataire ?":
            return True
        return plausible(p)

    asker = Script(answer)
    result = fill(read_path(at_letter), asker, "lettre_intention", today=TODAY, write=False)
    first, second, third = signatory_prompts(asker)[:3]
    names = [v for v, _ in first.choices]
    # The porteur, the coordinator, the bureau, the actors: each person once.
    assert first.default == "Dr Claire Morel" and names[0] == "Dr Claire Morel"
    assert "Julien Faivre" in names and "Antoine Roux" in names and "Marc Petitjean" in names
    assert "Claire Morel" not in names  # the actor Claire Morel is the porteur
    labels = dict(first.choices)
    assert labels["Thomas Girard"] == "Thomas Girard — infirmier, vice-président"
    assert list(labels.values())[-2:] == ["autre (saisir)", "(ne pas préciser)"] or (
        list(labels.values())[-1] == "autre (saisir)"
    )
    # The second signataire: neither prefilled with the porteur nor offered him again.
    assert second.default is None and "Dr Claire Morel" not in [v for v, _ in second.choices]
    taken = {"Dr Claire Morel", [v for v, _ in second.choices][0]}
    assert not taken & {v for v, _ in third.choices}
    signed = result.report.document.plain["lettre_intention"]["signataires"]
    assert [s["nom"] for s in signed] == ["Dr Claire Morel", "Julien Faivre", "Thomas Girard"]
    # The profession of the person chosen is proposed.
    assert signed[0]["profession"] == "medecin_generaliste"
    assert signed[2]["profession"] == "infirmier"


def test_a_person_not_in_the_file_is_typed(at_letter):
    from cpts_cli.fill.base import OTHER

    def answer(p):
        if p.message == "Ajouter un signataire ?":
            return True
        if p.message == "Nom" and p.kind == "select":
            return OTHER
        if p.message == "Nom":
            return "Mme Lucie Perret"
        return plausible(p)

    asker = Script(answer)
    result = fill(read_path(at_letter), asker, "lettre_intention", today=TODAY, write=False)
    signed = result.report.document.plain["lettre_intention"]["signataires"]
    assert signed[0]["nom"] == "Mme Lucie Perret"
    typed = next(p for p in asker.asked if p.message == "Nom" and p.kind == "text")
    assert typed.default == ""  # the porteur is not put in the box to erase


def test_the_pilote_of_a_fiche_action_is_chosen_among_the_people(tmp_path):
    path = tmp_path / "cpts.yaml"
    text = example_text()
    path.write_text(text.replace("          pilote: Dr Marc Petitjean\n", "", 1), "utf-8")
    asked: list = []

    def answer(p):
        if p.message == "Pilote":
            asked.append(p)
            return "Marc Petitjean"
        return plausible(p)

    result = fill(read_path(path), Script(answer), "projet_sante", today=TODAY, write=False)
    (prompt,) = asked
    assert prompt.kind == "select"
    values = [v for v, _ in prompt.choices]
    assert "Marc Petitjean" in values and "Dr Claire Morel" in values
    assert ("autre (saisir)" in dict(prompt.choices).values())
    fiche = result.report.document.plain["projet_sante"]["missions"]["acces_soins"]
    assert fiche["fiches_actions"][0]["pilote"] == "Marc Petitjean"


def test_signataires_through_the_cli(tmp_path):
    """The porteur is proposed first, then not offered again to the second signataire."""
    path = tmp_path / "cpts.yaml"
    text = re.sub(r"  signataires:\n(?:    .*\n)+", "  signataires: []\n", example_text())
    path.write_text(text, encoding="utf-8")
    child = spawn("fill", "lettre_intention", "-f", str(path))
    child.expect("Ajouter un signataire")
    child.send("o" + ENTER)
    child.expect("autre \\(saisir\\)")
    assert "Dr Claire Morel" in child.before
    child.send(ENTER)  # the porteur, proposed
    child.expect("Profession")
    child.send(ENTER)  # hers, proposed
    child.expect("Fonction")
    child.send(ENTER)
    child.expect("Ajouter un autre signataire")
    child.send("o" + ENTER)
    child.expect("Nom")
    child.expect("autre \\(saisir\\)")
    offered = child.before
    assert "Dr Claire Morel" not in offered and "Julien Faivre" in offered
    child.terminate(force=True)
    assert "nom: Dr Claire Morel\n      profession: medecin_generaliste" in path.read_text("utf-8")


# --------------------------------------------------------------------------- d. outside


@pytest.fixture
def actor_outside(tmp_path) -> Path:
    """The worked example, its first actor (Claire Morel) practising in Dijon."""
    path = tmp_path / "cpts.yaml"
    text = example_text().replace('commune: "21166"  # Chenôve\n      rpps: "10999000077"',
                                  'commune: "21231"  # Dijon\n      rpps: "10999000077"', 1)
    path.write_text(text, encoding="utf-8")
    return path


REASON = "Exerce à Dijon et au cabinet secondaire de Chenôve."


def test_an_actor_outside_the_territory_gets_a_reason_and_the_warning_goes(actor_outside, cli):
    before = cli("validate", "--format", "json", actor_outside).json()
    codes = [f["code"] for f in before["fichiers"][0]["constats"]]
    assert "CPTS-M005" in codes

    def answer(p):
        if p.message == "Raison de la participation hors du territoire":
            return REASON
        return plausible(p)

    asker = Script(answer)
    result = fill(read_path(actor_outside), asker, "mobilisation", today=TODAY)
    assert "Raison de la participation hors du territoire" in asker.messages()
    actor = read_path(actor_outside).plain["mobilisation"]["acteurs"][0]
    assert actor["hors_territoire"] == REASON
    assert "CPTS-M005" not in [f.code for f in result.report.findings]
    after = cli("validate", "--format", "json", actor_outside).json()
    assert "CPTS-M005" not in [f["code"] for f in after["fichiers"][0]["constats"]]


def test_a_new_actor_outside_the_territory_is_asked_why_and_one_inside_is_not(step2_file):
    def answers(commune):
        def answer(p):
            if p.message == "Ajouter un acteur ?":
                return True
            if p.message == "Ajouter un autre acteur ?":
                return False
            if p.message == "Commune d'exercice":
                return commune
            if p.message == "Nom":
                return "Martin"
            if p.message == "Raison de la participation hors du territoire":
                return REASON
            return "" if p.kind == "text" else plausible(p)

        return Script(answer)

    inside = answers("21166")
    fill(read_path(step2_file), inside, "mobilisation", today=TODAY, write=False)
    assert "Raison de la participation hors du territoire" not in inside.messages()
    outside = answers("21231")
    result = fill(read_path(step2_file), outside, "mobilisation", today=TODAY, write=False)
    assert "Raison de la participation hors du territoire" in outside.messages()
    assert any("hors du territoire de la CPTS : notez pourquoi" in t for t in outside.said)
    assert result.report.document.plain["mobilisation"]["acteurs"][0]["hors_territoire"]


@pytest.fixture
def step2_file(tmp_path) -> Path:
    from cpts_cli.workflow.scaffold import new_project_text

    path = tmp_path / "cpts.yaml"
    text = new_project_text("CPTS du Val", "Dr Martin", today=TODAY)
    text = text.replace("  communes: []", '  communes:\n    - "21166"', 1)
    text = text.replace('  justification: ""', "  justification: Bassin de vie.", 1)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_reason_for_an_actor_outside_through_the_cli(actor_outside, cli):
    child = spawn("fill", "mobilisation", "-f", str(actor_outside))
    child.expect("hors du territoire de la CPTS")
    child.expect("Raison de la participation hors du territoire")
    child.sendline(REASON)
    child.expect(pytest.importorskip("pexpect").EOF)
    child.close()
    assert f"hors_territoire: {REASON}" in actor_outside.read_text("utf-8")
    result = cli("validate", "--etape", "mobilisation", actor_outside)
    assert "CPTS-M005" not in result.out


# --------------------------------------------------------------------------- c. the contract


def contract_answers(p):
    """Step 8 as a user with the contract in hand: a decision, then every mission's money,
    one indicator of result per mission with its three levels and one proof."""
    if p.message.startswith("Où en est la validation"):
        return 0
    if p.message == "Missions optionnelles retenues dans le contrat":
        return p.default  # those of the projet de santé
    if p.message == "Type":
        return "resultat"
    if p.message.startswith("Cible du niveau"):
        return {"socle": "40", "intermédiaire": "60", "objectif": "80"}[p.message[16:]]
    if p.message == "Preuve 1":
        return "Données de la CPAM"
    if p.message.startswith("Ajouter un indicateur du contrat"):
        return True
    return plausible(p)


def test_step_8_asks_the_optional_missions_and_the_indicators_levels_and_proofs(at_validation):
    asker = Script(contract_answers)
    result = fill(read_path(at_validation), asker, "validation", today=TODAY, write=False)
    assert result.complete, [f.message for f in result.missing]
    (optional,) = [p for p in asker.asked if p.message.startswith("Missions optionnelles")]
    assert optional.kind == "checkbox"
    # The ACI's optional missions (a closed list), those of the projet de santé ticked.
    assert [v for v, _ in optional.choices] == ["qualite_pertinence", "accompagnement_ps"]
    assert optional.default == ["qualite_pertinence"]
    contract = result.report.document.plain["validation"]["contrat"]
    missions = [m["mission"] for m in contract["missions"]]
    assert missions == [
        "acces_soins", "parcours", "prevention", "crises_sanitaires", "qualite_pertinence"
    ]  # fmt: skip
    first = contract["missions"][0]["indicateurs"][0]
    assert first["niveaux"] == {
        "socle": {"cible": 40, "part": 0.5},
        "intermediaire": {"cible": 60, "part": 0.75},
        "objectif": {"cible": 80, "part": 1},
    }
    assert first["preuves"] == ["Données de la CPAM"]


def test_a_process_indicator_has_no_levels_asked(at_validation):
    def answer(p):
        if p.message == "Type":
            return "processus"
        return contract_answers(p)

    asker = Script(answer)
    fill(read_path(at_validation), asker, "validation", today=TODAY, write=False)
    assert not [m for m in asker.messages() if m.startswith("Cible du niveau")]
    assert "Preuve 1" in asker.messages()


def test_the_dossier_aci_shows_the_levels_written_by_fill(at_validation, cli, tmp_path):
    fill(read_path(at_validation), Script(contract_answers), "validation", today=TODAY)
    assert cli("validate", "--etape", "validation", at_validation).code in (0, 1)
    out = tmp_path / "out"
    result = cli(
        "render", at_validation, "--doc", "dossier-aci", "--format", "md", "--out", out,
        "--brouillon",
    )  # fmt: skip
    assert result.code == 0, result.err
    text = "".join(p.read_text("utf-8") for p in out.rglob("*.md"))
    assert "Données de la CPAM" in text
    assert re.search(r"[Ss]ocle : 40 \(50\s%\)", text), text[text.find("Socle") - 300 :][:600]


def test_step_8_indicator_levels_and_optional_missions_through_the_cli(tmp_path):
    """A contract mission without indicators: its indicator with the three levels and a
    proof, then the optional mission the contract may add."""
    pexpect = pytest.importorskip("pexpect")
    path = tmp_path / "cpts.yaml"
    text = example_text()
    start = text.index("      - mission: prevention")
    end = text.index("      # Part variable de la mission crises")
    path.write_text(
        text[:start] + "      - mission: prevention\n        fixe: 17500\n"
        "        variable: 17500\n" + text[end:],
        encoding="utf-8",
    )
    child = spawn("fill", "validation", "-f", str(path))
    child.expect("Identifiant")
    child.send(ENTER)  # I11, proposed
    child.expect("Libellé")
    child.sendline("Participation au dépistage du cancer du sein (%)")
    child.expect("Type")
    child.send(DOWN + ENTER)  # résultat
    child.expect("Montant")
    child.sendline("17500")
    for cible in ("48", "49", "50"):
        child.expect("Cible du niveau")
        child.sendline(cible)
        child.expect("Part versée au niveau")
        child.send(ENTER)  # the part proposed
    child.expect("Preuve 1")
    child.sendline("Données Rézone CPTS")
    child.expect("Preuve 2")
    child.send(ENTER)
    child.expect("Ajouter un autre indicateur pour cette mission")
    child.send("n" + ENTER)
    child.expect("Missions optionnelles retenues dans le contrat")
    child.expect("Accompagnement des professionnels de santé")
    child.send(ENTER)  # none ticked
    child.expect(pexpect.EOF)
    child.close()
    written = read_path(path).plain["validation"]["contrat"]["missions"][2]
    assert written["indicateurs"] == [
        {
            "id": "I11",
            "libelle": "Participation au dépistage du cancer du sein (%)",
            "type": "resultat",
            "montant": 17500,
            "niveaux": {
                "socle": {"cible": 48, "part": 0.5},
                "intermediaire": {"cible": 49, "part": 0.75},
                "objectif": {"cible": 50, "part": 1},
            },
            "preuves": ["Données Rézone CPTS"],
        }
    ]


# --------------------------------------------------------------------------- b. months


@pytest.mark.parametrize(
    "typed, written",
    [
        ("mars 2027", "2027-03"),
        ("Mars 2027", "2027-03"),
        ("03/2027", "2027-03"),
        ("2027-03", "2027-03"),
        ("août 2027", "2027-08"),
        ("sept. 2027", "2027-09"),
        ("15/03/2027", "2027-03-15"),
        ("2027-03-15", "2027-03-15"),
    ],
)
def test_a_planned_date_may_be_a_month(typed, written):
    from cpts_cli.fill import validators as v

    assert v.check_plan_date(typed) is None
    value = v.parse_plan_date(typed)
    assert (value if isinstance(value, str) else value.isoformat()) == written


@pytest.mark.parametrize("typed", ["13/2027", "2027-13", "ju 2027", "mars", "prochainement"])
def test_a_planned_date_that_is_neither_a_day_nor_a_month_is_refused(typed):
    from cpts_cli.fill import validators as v

    assert v.parse_plan_date(typed) is None
    assert "ou un mois : « mars 2027 »" in v.check_plan_date(typed, "Date prévue")


def test_a_meeting_date_stays_an_exact_day():
    from cpts_cli.fill.spec import questions

    fields = {f.key: f for f in questions()["mobilisation"][2].fields}
    assert fields["date"].kind == "date"  # a fact: the day it was held


def test_the_letter_calendar_and_fiche_dates_take_months_through_to_the_documents(
    at_letter, cli, tmp_path
):
    def answer(p):
        if p.message == "Date prévue":
            return {0: "mars 2027", 1: "15/06/2027"}.get(
                sum(q.message == "Date prévue" for q in asker.asked) - 1, "2027-09"
            )
        if p.message == "Ajouter une échéance au calendrier ?":
            return True
        if p.message == "Ajouter une autre échéance ?":
            return sum(q.message == p.message for q in asker.asked) <= 2
        return plausible(p)

    asker = Script(answer)
    fill(read_path(at_letter), asker, "lettre_intention", today=TODAY)
    text = at_letter.read_text("utf-8")
    assert re.search(r"echeance: '?2027-03'?\n", text)
    assert "echeance: 2027-06-15" in text
    doc = read_path(at_letter)
    assert [c["echeance"] for c in doc.plain["lettre_intention"]["calendrier"]] == [
        "2027-03", "2027-06-15", "2027-09"
    ]  # fmt: skip
    report = cli("validate", "--format", "json", "--etape", "lettre_intention", at_letter).json()
    assert not [
        f for f in report["fichiers"][0]["constats"] if f["code"] in ("CPTS-S004", "CPTS-S005")
    ]
    out = tmp_path / "out"
    result = cli(
        "render", at_letter, "--doc", "lettre-intention", "--format", "md", "--out", out,
        "--brouillon",
    )  # fmt: skip
    assert result.code == 0, result.err
    letter = "".join(p.read_text("utf-8") for p in out.rglob("*.md")).replace("\u00a0", " ")
    assert "| mars 2027 |" in letter and "| 15 juin 2027 |" in letter
    assert "2027-03" not in letter


def test_a_fiche_action_planned_by_months_reads_de_mars_a_juin(tmp_path, cli):
    path = tmp_path / "cpts.yaml"
    text = example_text().replace(
        "            debut: 2024-09-02\n            fin: 2025-09-30",
        "            debut: 2024-09\n            fin: 2025-04",
        1,
    )
    text = text.replace(
        "            debut: 2024-10-01\n            fin: 2025-09-30",
        "            debut: 2024-10",
        1,
    ).replace("            fin: 2026-02-27\n", "", 1)
    path.write_text(text, encoding="utf-8")
    assert cli("validate", path).code == 0
    out = tmp_path / "out"
    result = cli("render", path, "--doc", "projet-sante", "--format", "md", "--out", out)
    assert result.code == 0, result.err
    doc = "".join(p.read_text("utf-8") for p in out.rglob("*.md")).replace("\u00a0", " ")
    assert "de septembre 2024 à avril 2025" in doc
    assert "à partir d'octobre 2024" in doc
    assert "du 3 mars 2025 au 31 mars 2026" in doc  # exact days read as before


def test_a_month_through_the_cli(tmp_path):
    """« mars 2027 » typed at the letter's calendar is written 2027-03."""
    path = tmp_path / "cpts.yaml"
    text = re.sub(r"  calendrier:\n(?:    .*\n)+", "  calendrier: []\n", example_text(), count=1)
    path.write_text(text, encoding="utf-8")
    child = spawn("fill", "lettre_intention", "-f", str(path))
    child.expect("Ajouter une échéance au calendrier")
    child.send("o" + ENTER)
    child.expect("Date prévue")
    child.sendline("mars 2027")
    child.expect("Étape")
    child.sendline("Signature du contrat ACI")
    child.expect("Ajouter une autre échéance")
    child.send("n" + ENTER)
    child.expect(pytest.importorskip("pexpect").EOF)
    child.close()
    assert re.search(r"- echeance: '?2027-03'?\n", path.read_text("utf-8"))


def test_any_text_gives_a_day_a_month_or_a_refusal():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cpts_cli.fill import validators as v
    from cpts_cli.support.dates import MONTH_RE
    from cpts_cli.support.formatting import MONTHS

    @settings(max_examples=100, deadline=None)
    @given(st.text(max_size=30))
    def anything(text):
        value = v.parse_plan_date(text)
        assert value is None or not isinstance(value, str) or MONTH_RE.match(value)
        assert (value is None) == (v.check_plan_date(text) is not None)

    @settings(max_examples=100, deadline=None)
    @given(st.integers(1000, 9999), st.integers(1, 12))
    def every_month(year, month):
        written = f"{year}-{month:02d}"
        for typed in (f"{MONTHS[month - 1]} {year}", f"{month:02d}/{year}", written):
            assert v.parse_plan_date(typed) == written

    anything()
    every_month()


def test_a_share_is_typed_as_a_percentage_or_a_fraction(at_validation):
    """Seen in a terminal: people type a level's share in percent. « 25 % » is 0.25, « 0,75 »
    stays 0.75, « 100 % » is 1; « 25 » alone is refused (a share is at most 1)."""

    def answer(p):
        if p.message.startswith("Part versée au niveau"):
            return {"socle": "25 %", "intermédiaire": "0,75", "objectif": "100%"}[p.message[22:]]
        return contract_answers(p)

    result = fill(read_path(at_validation), Script(answer), "validation", today=TODAY, write=False)
    levels = result.report.document.plain["validation"]["contrat"]["missions"][0]["indicateurs"][0]
    assert levels["niveaux"] == {
        "socle": {"cible": 40, "part": 0.25},
        "intermediaire": {"cible": 60, "part": 0.75},
        "objectif": {"cible": 80, "part": 1},
    }
    asker = Script(contract_answers)
    fill(read_path(at_validation), asker, "validation", today=TODAY, write=False)
    share = next(p for p in asker.asked if p.message.startswith("Part versée au niveau"))
    assert "(maximum 1)" in share.validate("25") and share.validate("25 %") is None


def test_the_example_of_a_commune_is_one_of_the_projects_own(tmp_path):
    """Seen driving fill for a territory around Annecy: « ex. 21166 » (Chenôve, the worked
    example's) under « Commune d'exercice »."""
    from cpts_cli.workflow.scaffold import new_project_text

    path = tmp_path / "cpts.yaml"
    path.write_text(
        new_project_text("CPTS du Lac", "Dr Favre", communes=["74010"], today=TODAY), "utf-8"
    )

    def answer(p):
        if p.message.startswith("Ajouter un acteur"):
            return len([q for q in asker.asked if q.message == p.message]) == 1
        if p.message == "Commune d'exercice":
            return "74010"
        if p.kind == "text" and p.message != "Nom":
            return ""  # passed
        return plausible(p)

    asker = Script(answer)
    fill(read_path(path), asker, "mobilisation", today=TODAY, write=False)
    commune = next(p for p in asker.asked if p.message == "Commune d'exercice")
    assert "ex. Annecy ou 74010" in commune.hint and "21166" not in commune.hint
