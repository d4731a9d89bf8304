"""``cpts fill``: the questions driven through prompt_toolkit's pipe input, the answers
written round trip, Ctrl-C, no terminal, and one run in a pseudo-terminal."""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from cpts_cli.cli.cmd_fill import TerminalAsker
from cpts_cli.fill import SKIP, fill
from cpts_cli.project.load import read_path
from cpts_cli.workflow.scaffold import new_project_text
from cpts_cli.workflow.steps import STEP_IDS

from .conftest import EXAMPLES, ROOT, TODAY

ENTER = "\r"
DOWN = "\x1b[B"
SPACE = " "
CTRL_C = "\x03"
BACKSPACE = "\x7f"
YES = "o" + ENTER  # a yes/no question: o / n pick the answer, Entrée confirms
NO = "n" + ENTER
# Ajouter un acteur ? Oui: « Martin », no first name, médecin généraliste libéral (the first
# choices); the commune and the fields after it are left to the caller.
ADD_MARTIN = YES + "Martin" + ENTER + ENTER + ENTER + ENTER


@pytest.fixture
def project(tmp_path) -> Path:
    """A file as ``cpts init --no-input --nom "CPTS du Val" --porteur "Dr Martin"`` writes it."""
    path = tmp_path / "cpts.yaml"
    path.write_text(new_project_text("CPTS du Val", "Dr Martin", today=TODAY), encoding="utf-8")
    return path


def run_fill(path: Path, keys: str, step: str | None = None, quiet: bool = False):
    """Answer ``cpts fill`` with ``keys``; returns (result, what was printed)."""
    printed = io.StringIO()
    out = Console(file=printed, width=120, no_color=True, highlight=False)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # keys run out: EOFError, never a test waiting forever
        asker = TerminalAsker(out, quiet=quiet, input=pipe, output=DummyOutput())
        try:
            result = fill(read_path(path), asker, step, today=TODAY)
        except EOFError:
            raise AssertionError("keys ran out; printed:\n" + printed.getvalue()) from None
    return result, printed.getvalue()


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(lines removed, lines added) from ``before`` to ``after``."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


STEP1_KEYS = (
    ENTER  # "Comment désigner le territoire ?" → par communes
    + "21999"
    + ENTER  # refused by the rule's check, with close codes
    + BACKSPACE * 5
    + "21166, longvic"
    + ENTER  # a code and a name
    + ENTER  # no more communes
    + "Bassin de vie commun : les habitants consultent dans les mêmes cabinets et les mêmes "
    "pharmacies, et les professionnels travaillent déjà ensemble." + ENTER
)


def test_step_1_fills_communes_and_justification(project, cli):
    before = project.read_text(encoding="utf-8")
    result, printed = run_fill(project, STEP1_KEYS)
    assert result.complete and result.saved == 2  # the communes, then the justification
    assert "Code commune inconnu : « 21999 » ; codes proches : Selongey (21599)" in printed
    assert "Ajouté : Chenôve (21166), Longvic (21355)" in printed
    after = project.read_text(encoding="utf-8")
    removed, added = changed_lines(before, after)
    # Round trip: only the two empty values were rewritten, every comment is still there.
    assert removed == ["  communes: []", '  justification: ""']
    assert added == [
        "  communes:",
        '    - "21166"  # Chenôve',
        '    - "21355"  # Longvic',
        "  justification: >-",
        "    Bassin de vie commun : les habitants consultent dans les mêmes cabinets et les mêmes",
        "    pharmacies, et les professionnels travaillent déjà ensemble.",
    ]
    assert cli("validate", "--etape", "territoire", project).code == 0


def test_quiet_leaves_out_explanations_not_questions_or_refusals(tmp_path):
    loud_file, quiet_file = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (loud_file, quiet_file):
        path.write_text(new_project_text("CPTS du Val", "Dr Martin", today=TODAY), "utf-8")
    loud, loud_out = run_fill(loud_file, STEP1_KEYS)
    quiet, quiet_out = run_fill(quiet_file, STEP1_KEYS, quiet=True)
    assert quiet.complete and loud.complete
    assert quiet_file.read_text("utf-8") == loud_file.read_text("utf-8")
    assert len(quiet_out) < len(loud_out)
    assert "21999" in quiet_out  # the refused code is still explained
    assert "Ajouté : Chenôve (21166), Longvic (21355)" in quiet_out  # and what was written
    assert "Codes INSEE des communes couvertes" in loud_out
    assert "Codes INSEE des communes couvertes" not in quiet_out


def test_a_complete_step_asks_nothing(project):
    run_fill(project, STEP1_KEYS)
    before = project.read_bytes()
    result, printed = run_fill(project, "", "territoire")
    assert result.complete and result.saved == 0
    assert "Rien ne manque" in printed
    assert project.read_bytes() == before


def test_epci_by_name_and_a_skipped_justification(project):
    keys = (
        DOWN
        + ENTER  # par intercommunalités
        + "plaine dijonnaise"
        + ENTER  # one EPCI of that name: taken directly
        + ENTER  # no more
        + ENTER  # justification left for later
    )
    result, printed = run_fill(project, keys)
    assert not result.complete
    assert [f.code for f in result.missing] == ["CPTS-T008"]
    assert "CC de la Plaine Dijonnaise (200000925)" in printed
    assert 'epci:\n    - "200000925"' in project.read_text(encoding="utf-8")


@pytest.fixture
def step2(project) -> Path:
    run_fill(project, STEP1_KEYS)
    return project


def test_step_2_every_kind_of_question(step2, cli):
    keys = (
        YES  # Ajouter un acteur ?
        + "Martin"
        + ENTER
        + "Claire"
        + ENTER
        + ENTER  # profession: médecin généraliste (first)
        + ENTER  # mode d'exercice: libéral (first)
        + "chenove"
        + ENTER  # commune by name: Chenôve is the one exact match
        + "123"
        + ENTER  # RPPS refused (format)
        + BACKSPACE * 3
        + "1010 1234 567"
        + ENTER  # spaces between groups are fine
        + "claire.martin@exemple.fr"
        + ENTER
        + "Présidente"
        + ENTER
        + ENTER  # Ajouter un autre acteur ? Oui, proposed: one profession only so far
        + "Durand"
        + ENTER
        + ENTER  # no first name
        + "Infi"
        + ENTER  # typing filters the professions
        + DOWN * 3
        + ENTER  # mode d'exercice: (ne pas préciser)
        + ENTER
        + ENTER
        + ENTER
        + ENTER  # commune, RPPS, courriel, rôle: passed
        + NO  # no other actor
        + NO  # no structure
        + YES  # Ajouter une réunion ?
        + "31/02/2024"
        + ENTER  # refused: no such date
        + BACKSPACE * 10
        + "04/10/2024"
        + ENTER
        + "Réunion de lancement"
        + ENTER
        + "23"
        + ENTER
        + ENTER  # lieu passed
        + NO
    )
    result, printed = run_fill(step2, keys, "mobilisation")
    assert result.complete, printed
    assert "Format invalide pour « Numéro RPPS » : « 123 » (exemple : « 10101234567 »)" in printed
    assert "Date invalide pour « Date » : « 31/02/2024 »" in printed
    assert "sont tous de la même profession :" in printed  # said before "Ajouter un autre acteur ?"
    text = step2.read_text(encoding="utf-8")
    assert (
        "  acteurs:\n"
        "    - nom: Martin\n"
        "      prenom: Claire\n"
        "      profession: medecin_generaliste\n"
        "      mode_exercice: liberal\n"
        '      commune: "21166"  # Chenôve\n'
        '      rpps: "10101234567"\n'
        "      email: claire.martin@exemple.fr\n"
        "      role: Présidente\n"
        "    - nom: Durand\n"
        "      profession: infirmier\n"
        "  structures: []\n"
        "  reunions:\n"
        "    - date: 2024-10-04\n"
        "      objet: Réunion de lancement\n"
        "      participants: 23\n"
    ) in text
    assert "# Étape 3 — Diagnostic" in text
    assert cli("validate", "--etape", "mobilisation", step2).code == 0


def test_a_name_matching_several_communes_is_chosen_from_a_list(step2):
    keys = (
        ADD_MARTIN
        + "neuilly"
        + ENTER  # many communes: a list to choose from
        + "crimolois"
        + ENTER  # typing filters the list
        + ENTER  # outside the territory: the reason is left for later
        + ENTER * 3
        + NO
        + NO
        + NO
    )
    _, printed = run_fill(step2, keys, "mobilisation")
    assert "Martin exerce à Neuilly-Crimolois (21452), hors du territoire" in printed
    assert 'commune: "21452"  # Neuilly-Crimolois\n' in step2.read_text(encoding="utf-8")


@pytest.fixture
def step3(step2) -> Path:
    keys = (
        ADD_MARTIN
        + ENTER * 4
        + YES
        + "Durand"
        + ENTER
        + ENTER
        + "Infi"
        + ENTER
        + ENTER
        + ENTER * 4
        + NO
        + NO
        + YES
        + "2024-10-04"
        + ENTER
        + "Lancement"
        + ENTER
        + ENTER
        + ENTER
        + NO
    )
    result, printed = run_fill(step2, keys, "mobilisation")
    assert result.complete, printed
    return step2


def test_step_3_indicators_and_constats(step3, cli):
    before = step3.read_text(encoding="utf-8")
    keys = (
        YES  # Ajouter un indicateur ?
        + "Médecins généralistes pour 10 000 habitants"
        + ENTER
        + BACKSPACE * 40
        + "densite mg"
        + ENTER  # refused: the code's format (schema pattern)
        + BACKSPACE * 10
        + "densite_mg"
        + ENTER
        + DOWN * 2
        + ENTER  # thème: offre de soins
        + "6,9"
        + ENTER  # French decimal comma
        + "pour 10 000 habitants"
        + ENTER
        + "2031"
        + ENTER  # refused: CPTS-D006, not yet elapsed
        + BACKSPACE * 4
        + "2022"
        + ENTER
        + "Rézone CPTS"
        + ENTER
        + ENTER  # maille: territoire de la CPTS (proposed)
        + "8,9"
        + ENTER
        + ENTER
        + "8.4"
        + ENTER  # references: département, (région), France
        + YES  # Ajouter un autre indicateur ?
        + "Médecins généralistes de 60 ans et plus"
        + ENTER
        + ENTER  # code proposed from the label
        + ENTER  # thème: population
        + "masqué"
        + ENTER  # a value the source hides
        + ENTER
        + "2022"
        + ENTER
        + "Rézone CPTS"
        + ENTER
        + ENTER
        + ENTER
        + ENTER
        + ENTER  # no reference…
        + "Donnée propre au territoire"
        + ENTER  # …so the reason is asked
        + NO
        + YES  # Ajouter un constat ?
        + ENTER  # identifiant: C1 proposed
        + "Trop peu de médecins généralistes"
        + ENTER
        + ENTER  # nothing ticked: refused
        + SPACE
        + ENTER
        + NO
        + "Groupe de travail de mars à juin 2022"
        + ENTER  # the method (CPTS-D012): the diagnostic prints it
    )
    result, printed = run_fill(step3, keys, "diagnostic")
    assert result.complete, printed
    assert "Format invalide pour « Code » : « densite mg »" in printed
    assert "daté de 2031, une année qui n'est pas encore écoulée" in printed
    removed, added = changed_lines(before, step3.read_text(encoding="utf-8"))
    assert removed == ["  indicateurs: []", "  constats: []"]
    assert added == [
        "  methode: Groupe de travail de mars à juin 2022",
        "  indicateurs:",
        "    - code: densite_mg",
        "      libelle: Médecins généralistes pour 10 000 habitants",
        "      theme: offre_soins",
        "      valeur: 6.9",
        "      unite: pour 10 000 habitants",
        "      annee: 2022",
        "      source: Rézone CPTS",
        "      maille: territoire_cpts",
        "      references:",
        "        departement: 8.9",
        "        france: 8.4",
        "    - code: medecins_generalistes_de_60_ans_et_plus",
        "      libelle: Médecins généralistes de 60 ans et plus",
        "      theme: population",
        "      valeur: null",
        "      masque: true",
        "      annee: 2022",
        "      source: Rézone CPTS",
        "      maille: territoire_cpts",
        "      sans_reference: Donnée propre au territoire",
        "  constats:",
        "    - id: C1",
        "      libelle: Trop peu de médecins généralistes",
        "      indicateurs:",
        "        - densite_mg",
    ]
    assert cli("validate", "--etape", "diagnostic", step3).code == 0


# --------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_on_the_first_item_leaves_the_file_as_it_was(step2):
    before = step2.read_bytes()
    with pytest.raises(KeyboardInterrupt):
        run_fill(step2, YES + "Martin" + ENTER + "Cla" + CTRL_C, "mobilisation")
    assert step2.read_bytes() == before


def test_ctrl_c_keeps_the_items_already_written(step2):
    keys = (
        ADD_MARTIN
        + ENTER * 4  # first actor: written
        + YES
        + "Durand"
        + ENTER
        + CTRL_C  # second one interrupted
    )
    with pytest.raises(KeyboardInterrupt):
        run_fill(step2, keys, "mobilisation")
    text = step2.read_text(encoding="utf-8")
    assert "- nom: Martin" in text and "Durand" not in text
    assert read_path(step2).plain["mobilisation"]["acteurs"] == [
        {"nom": "Martin", "profession": "medecin_generaliste", "mode_exercice": "liberal"}
    ]


def test_step_7_interrupted_then_run_again_keeps_the_next_sections_header(project):
    """Issue 11: the header of step 8 ended up inside ``projet_sante.items_dgos`` and
    ``validation: {}`` lost its header and blank line."""

    class Interrupted(Auto):
        def __init__(self, answers: int) -> None:
            super().__init__()
            self.left = answers

        def ask(self, p):
            self.left -= 1
            if self.left < 0:
                raise KeyboardInterrupt
            return super().ask(p)

    header = "# Étape 8 — Validation par l'ARS et contrat ACI signé (montants écrits au contrat).\n"
    tail = project.read_text(encoding="utf-8").split(header)[1]
    with pytest.raises(KeyboardInterrupt):
        fill(read_path(project), Interrupted(5), "projet_sante", today=TODAY)
    fill(read_path(project), Interrupted(1000), "projet_sante", today=TODAY)
    text = project.read_text(encoding="utf-8")
    assert text.count(header) == 1
    assert "\n\n" + header + tail in text  # blank line, header, « validation: {} »…
    items = read_path(project).plain["projet_sante"]["items_dgos"]
    assert len(items) == 10 and "evaluation" in items


# --------------------------------------------------------------------------- round trip


def test_completing_an_element_of_the_worked_example_restores_it_byte_for_byte(tmp_path):
    original = (EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8")
    line = "      objet: Rencontre avec les établissements, le SSIAD et le DAC\n"
    assert original.count(line) == 1
    path = tmp_path / "cpts.yaml"
    path.write_text(original.replace(line, ""), encoding="utf-8")
    result, printed = run_fill(
        path, "Rencontre avec les établissements, le SSIAD et le DAC" + ENTER, "mobilisation"
    )
    assert "La réunion du 2022-06-16 n'a pas d'objet" in printed
    assert result.complete
    assert path.read_text(encoding="utf-8") == original


def _load(text: str):
    from cpts_cli.project.document import ProjectDocument

    doc = ProjectDocument(None, "t.yaml", text.encode(), text)
    return doc


def test_a_new_item_goes_before_the_comments_that_follow_the_list():
    from cpts_cli.project import edit
    from cpts_cli.project.save import updated_text

    text = (
        "mobilisation:\n"
        "  acteurs:\n"
        "    - nom: A\n"
        "      role: x  # fin de ligne\n"
        "  # À propos des structures\n"
        "  structures: []\n"
        "\n"
        "# Étape 3\n"
        "diagnostic: {}\n"
    )
    doc = _load(text)
    style = edit.FileStyle(text)
    edit.append(doc.data["mobilisation"]["acteurs"], style.node({"nom": "B", "commune": "21166"}))
    edit.set_key(doc.data["diagnostic"], "methode", style.node("Entretiens"), ["methode"])
    assert updated_text(doc) == (
        "mobilisation:\n"
        "  acteurs:\n"
        "    - nom: A\n"
        "      role: x  # fin de ligne\n"
        "    - nom: B\n"
        '      commune: "21166"\n'
        "  # À propos des structures\n"
        "  structures: []\n"
        "\n"
        "# Étape 3\n"
        "diagnostic:\n"
        "  methode: Entretiens\n"
    )


def test_new_entries_copy_the_style_of_their_neighbours():
    from cpts_cli.project import edit

    text = "x:\n  - references: {departement: 8.9}\n    code: 'a'\n"
    doc = _load(text)
    style = edit.FileStyle(text)
    assert style.quote == "'"
    sample = doc.data["x"][0]
    node = style.node({"references": {"france": 8.4}, "code": "b"}, sample)
    assert node["references"].fa.flow_style()
    assert type(node["code"]).__name__ == "SingleQuotedScalarString"
    assert type(style.node(edit.Quoted("21166"))).__name__ == "SingleQuotedScalarString"
    assert type(style.node("texte simple")).__name__ == "str"


# --------------------------------------------------------------------------- steps 4 to 9


class Auto:
    """Answers like a hurried user: what is proposed, else a plausible value."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.confirms: dict[str, int] = {}

    def ask(self, p):
        self.asked.append(p.message)
        if p.kind == "text":
            if "terminer" in p.hint:
                return ""  # one action, one proof… is enough
            text = p.default or (
                "2024-03-15"
                if "AAAA" in p.hint
                else "12"
                if "nombre" in p.hint
                else "W212001234"
                if "RNA" in p.message
                else f"Réponse : {p.message}"
            )
            assert p.validate is None or p.validate(text) is None, (p.message, text)
            return text
        if p.kind == "select":
            values = [v for v, _ in p.choices if v is not SKIP and v is not None]
            return p.default if p.default in values else values[0]
        if p.kind == "checkbox":
            return [p.choices[0][0]]
        n = self.confirms[p.message] = self.confirms.get(p.message, 0) + 1
        return bool(p.default) and n <= 6

    def say(self, text, kind="info"):
        pass


@pytest.fixture
def example_without(tmp_path):
    """The worked example, its sections from ``first`` on left empty (``name: {}``)."""

    def make(first: str | None = None, drop_association: bool = False) -> Path:
        text = (EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8")
        if first is not None:
            cut = re.search(rf"^{first}:", text, flags=re.M).start()
            later = SECTIONS[SECTIONS.index(first) :]
            text = text[:cut] + "".join(f"{name}: {{}}\n" for name in later)
        path = tmp_path / "cpts.yaml"
        path.write_text(text, encoding="utf-8")
        if drop_association:
            from cpts_cli.project.save import save

            doc = read_path(path)
            del doc.data["cpts"]["association"]
            save(doc)
        return path

    return make


SECTIONS = list(STEP_IDS[3:])  # priorites … mise_en_oeuvre


@pytest.mark.parametrize(
    "step, expected",
    [
        ("priorites", ["Problématique", "Mission ACI"]),
        ("lettre_intention", ["Date de la lettre", "Orientations par mission — Accès aux soins"]),
        ("presentation", ["Instance", "Résultat"]),
        ("projet_sante", ["Items de l'instruction DGOS — Besoins identifiés", "Pilote", "Siège"]),
        ("validation", ["Où en est la validation du projet de santé ?", "Part fixe (€)"]),
        ("mise_en_oeuvre", ["Niveau atteint", "Preuve 1"]),
    ],
)
def test_steps_4_to_9_are_completed_by_their_questions(example_without, step, expected):
    # In memory (write=False): the same checks as ``validate``, without a save per answer.
    path = example_without(step, drop_association=step == "projet_sante")
    asker = Auto()
    result = fill(read_path(path), asker, step, today=TODAY, write=False)
    assert result.complete, [f.message for f in result.missing]
    asked = " | ".join(asker.asked)
    for words in expected:
        assert words in asked


def test_a_later_step_written_round_trip(example_without, cli):
    path = example_without("lettre_intention")
    before = path.read_text(encoding="utf-8")
    result = fill(read_path(path), Auto(), "lettre_intention", today=TODAY)
    assert result.complete and result.saved > 5
    removed, added = changed_lines(before, path.read_text(encoding="utf-8"))
    assert removed == ["lettre_intention: {}"]
    assert added[0] == "lettre_intention:" and all(line.startswith("  ") for line in added[1:])
    report = cli("validate", "--format", "json", "--etape", "lettre_intention", path).json()
    assert not [f for f in report["fichiers"][0]["constats"] if f["gravite"] == "erreur"]


def test_mise_en_oeuvre_asks_one_result_per_contract_indicator(example_without):
    from cpts_cli.project.save import save

    path = example_without()
    doc = read_path(path)
    doc.data["mise_en_oeuvre"]["annees"] = doc.data["mise_en_oeuvre"]["annees"][:1]
    del doc.data["mise_en_oeuvre"]["annees"][0]["resultats"][1:]
    save(doc)
    result = fill(read_path(path), Auto(), "mise_en_oeuvre", today=TODAY, write=False)
    assert result.complete
    results = result.report.document.plain["mise_en_oeuvre"]["annees"][0]["resultats"]
    assert [r["indicateur"] for r in results] == [f"I{i}" for i in range(1, 11)]


def test_mise_en_oeuvre_asks_the_money_difficulties_and_next_steps_of_a_year(example_without):
    from cpts_cli.project.save import save

    path = example_without()
    doc = read_path(path)
    year = doc.data["mise_en_oeuvre"]["annees"][0]
    for key in ("financement", "difficultes", "perspectives"):
        del year[key]
    save(doc)
    asker = Auto()
    result = fill(read_path(path), asker, "mise_en_oeuvre", today=TODAY, write=False)
    assert result.complete, [f.message for f in result.missing]
    asked = " | ".join(asker.asked)
    for words in ("Financeur", "Montant (€)", "Poste", "Difficultés rencontrées", "Perspectives"):
        assert words in asked
    written = result.report.document.plain["mise_en_oeuvre"]["annees"][0]
    assert written["financement"]["recu"][0]["financeur"] == "aci_fonctionnement"
    assert written["financement"]["utilisation"][0]["montant"] == 12
    assert written["difficultes"] and written["perspectives"]


# --------------------------------------------------------------------------- the command


def test_without_a_terminal_one_line_and_exit_2(project, cli):
    result = cli("fill", "-f", project)
    assert result.code == 2
    assert result.err.strip().count("\n") == 0
    assert "cpts validate" in result.err
    assert "Traceback" not in result.err


def test_an_unknown_step_is_a_usage_error(project, cli):
    result = cli("fill", "territoir", "-f", project)
    assert result.code == 2
    assert "territoire" in result.err


def test_fill_in_a_pseudo_terminal(project):
    """End to end, as a coordinator types in a terminal: step 1 on a new file."""
    import sys

    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "cpts_cli", "fill", "-f", str(project)],
        cwd=str(ROOT),
        # No cursor-position request: pexpect never answers it (a terminal does at once), and
        # prompt_toolkit would wait a second for it after every question.
        env={
            "TERM": "xterm",
            "NO_COLOR": "1",
            "PATH": "/usr/bin:/bin",
            "PROMPT_TOOLKIT_NO_CPR": "1",
        },
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    child.expect("Comment désigner le territoire")
    child.send(ENTER)
    child.expect("Communes")
    child.send("21999" + ENTER)
    child.expect("Code commune inconnu")
    child.send(BACKSPACE * 5 + "21166" + ENTER)
    child.expect("Ajouté : Chenôve")
    child.expect("Communes à ajouter")
    child.send(ENTER)
    child.expect("Justification")
    child.send("Les patients consultent dans les mêmes cabinets." + ENTER)
    child.expect("complète : cpts next")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = project.read_text(encoding="utf-8")
    assert '- "21166"' in text
    # The empty value was written "" by init: the answer keeps its quotes.
    assert 'justification: "Les patients consultent dans les mêmes cabinets."' in text


# --------------------------------------------------------------------------- declarations


def test_prompts_are_declared_against_the_schema_and_the_rules():
    import cpts_cli.checking.rules  # noqa: F401 - registers the rules' codes
    from cpts_cli.checking.codes import REGISTRY
    from cpts_cli.fill.spec import questions, walk
    from cpts_cli.fill.validators import NAMED

    declared = questions()
    assert set(declared) == set(STEP_IDS)
    for step, qs in declared.items():
        assert qs, step
        for q in walk(qs):
            for code in q.codes:
                assert REGISTRY[code].step == step, (step, code)
            assert q.validator is None or q.validator in NAMED
            assert q.kind == "alternatives" or q.title


@pytest.mark.parametrize(
    "question, message",
    [
        ({"at": "/territoire/justification", "kind": "long_text", "requird": True}, "requird"),
        ({"at": "/territoire/justificaton", "kind": "long_text"}, "n'existe pas dans le schéma"),
        ({"at": "/territoire/justification", "kind": "paragraphe"}, "kind inconnu"),
        ({"at": "/territoire/justification", "kind": "choice"}, "pas de liste de valeurs"),
    ],
)
def test_a_mistake_in_prompts_yaml_is_reported(question, message):
    from cpts_cli.fill.spec import PromptSpecError, parse

    with pytest.raises(PromptSpecError, match=message):
        parse({"etapes": {"territoire": [question]}})


def test_titles_and_help_come_from_the_schema():
    from cpts_cli.fill.spec import questions
    from cpts_cli.support.resources import schema

    justification = questions()["territoire"][1]
    node = schema()["properties"]["territoire"]["properties"]["justification"]
    assert justification.title == node["title"]
    assert justification.help == node["description"]
    rpps = next(f for f in questions()["mobilisation"][0].fields if f.key == "rpps")
    assert rpps.help.endswith("imports.")
    assert "guillemets" not in " ".join(q.help for q in questions()["territoire"][0].options)


def test_prompts_file_ships_with_the_schema():
    from cpts_cli.support.resources import shipped_dir

    assert (shipped_dir("schemas") / "prompts.yaml").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^"schemas" = "cpts_cli/schemas"$', pyproject, flags=re.M)


# --------------------------------------------------------------------------- validators


def test_validators_speak_like_the_rules():
    from cpts_cli.fill import validators as v

    assert v.check_date("20/06/2024") is None and v.parse_date("20/06/2024").isoformat() == (
        "2024-06-20"
    )
    assert v.check_date("2024-02-30").startswith("Date invalide pour « Date » : « 2024-02-30 »")
    assert v.check_rpps("1010 1234 567") is None
    assert "Numéro RPPS" in v.check_rpps("1234")
    assert v.check_finess("2A0012345") is None and v.check_finess("21001234") is not None
    assert v.check_rna("W212001234") is None and "Numéro RNA" in v.check_rna("212001234")
    assert v.check_siren("242 100 410") is None
    assert v.parse_number("75 000") == 75000 and v.parse_number("8,9") == 8.9
    assert v.check_number("douze", "Participants", integer=True) == (
        "« Participants » doit être un nombre entier, pas du texte « douze »."
    )
    assert "n'est pas encore écoulée" in v.check_year("2031", TODAY, code="x")
    assert v.check_deadline("9", mission="Accès aux soins", limit=6, version="avenant-2") == (
        "La mission « Accès aux soins » démarre au mois 9 après la signature : l'ACI "
        "(avenant-2) impose au plus 6 mois."
    )
    assert v.check_deadline("6", mission="Accès aux soins", limit=6) is None
