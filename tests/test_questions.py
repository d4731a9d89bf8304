"""The questions in French (issue 14, point 1): typing filters a long list whatever the accents
and the case, a filter that matches nothing records nothing, no English word reaches the
screen; and ``cpts init`` takes names where it asks for codes (point 2, interactive half).

Driven through prompt_toolkit's pipe input with a VT100 output (the bytes a terminal
receives), and end to end in a pseudo-terminal (pexpect) for ``cpts init`` and ``cpts fill``.
"""

from __future__ import annotations

import io
import os
import re
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output
from rich.console import Console

from cpts_cli.cli.cmd_fill import TerminalAsker
from cpts_cli.cli.prompts import ask_init
from cpts_cli.fill.base import Prompt

from .conftest import ROOT
from .terminal import Screen

ENTER = "\r"
DOWN = "\x1b[B"
SPACE = " "
BACKSPACE = "\x7f"
#: What questionary and prompt_toolkit would print in English.
ENGLISH = re.compile(
    r"Use arrow|type to filter|\bdone\b|selections?\b|Answer|\(Y/n\)|\(y/N\)|Cancelled"
    r"|Invalid input|Use shortcuts",
    re.IGNORECASE,
)
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|[\x07\x0f]")
THEMES = [
    ("population", "Population"),
    ("social", "Situation sociale"),
    ("offre_soins", "Offre de soins"),
    ("acces_soins", "Accès aux soins"),
    ("prevention", "Prévention"),
    ("etablissements", "Établissements et services"),
    ("sante_mentale", "Santé mentale"),
    ("autre", "Autre thème"),
    ("idf", "Île-de-France"),
    (None, "(ne pas préciser)"),
]


def screen_text(raw: str) -> str:
    """What a terminal shows, roughly: the text without its escape sequences."""
    return _ESCAPES.sub("", raw).replace("\r", "")


def ask(prompts: list[Prompt], keys: str) -> tuple[list, str]:
    """The answers to ``prompts`` typed as ``keys``, and what reached the screen."""
    screen = io.StringIO()
    printed = io.StringIO()
    out = Console(file=printed, width=100, no_color=True, highlight=False)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # keys run out: EOFError, never a test waiting forever
        terminal = Vt100_Output(screen, lambda: Size(rows=40, columns=100), term="xterm")
        asker = TerminalAsker(out, input=pipe, output=terminal)
        answers = [asker.ask(p) for p in prompts]
    return answers, screen_text(screen.getvalue()) + printed.getvalue()


def theme(default=None) -> Prompt:
    return Prompt("select", "Thème", choices=THEMES, default=default)


# --------------------------------------------------------------------------- filtering


@pytest.mark.parametrize(
    "typed, value",
    [
        ("acces", "acces_soins"),
        ("Accès", "acces_soins"),
        ("ACCÈS AUX", "acces_soins"),
        ("Établ", "etablissements"),
        ("etab", "etablissements"),
        ("santé m", "sante_mentale"),
        ("ile", "idf"),
        ("Île de", "idf"),
        ("prévention", "prevention"),
    ],
)
def test_typing_filters_a_long_list_whatever_the_accents_and_case(typed, value):
    (answer,), screen = ask([theme()], typed + ENTER)
    assert answer == value
    assert f"? Thème {dict(THEMES)[value]}" in screen


@pytest.mark.parametrize(
    "typed, first",
    [
        ("infirmière", "Infirmier (y compris infirmier psychiatrique)"),
        ("pharmacienne", "Pharmacien"),
        ("coordinatrice", "Coordinateur ou coordinatrice (CPTS, MSP, parcours)"),
        ("généraliste médecin", "Médecin généraliste"),
        ("diététicienne", "Diététicien"),
        ("kiné", "Masseur-kinésithérapeute"),
    ],
)
def test_a_profession_is_found_as_people_type_it(typed, first):
    """The professions are listed in the masculine; people type their own title."""
    from cpts_cli.checking.schema import vocabulary
    from cpts_cli.cli.questions import ChoiceList

    choices = ChoiceList(list(vocabulary("profession").values()))
    choices.type(typed)
    assert choices.labels[choices.pointed()] == first


def test_a_filter_that_matches_nothing_records_nothing():
    keys = "zzz" + ENTER + ENTER + BACKSPACE * 3 + DOWN + ENTER
    (answer,), _ = ask([theme()], keys)
    assert answer == "social"  # Entrée did not take « Population »; the list came back


def test_a_filter_that_matches_nothing_says_so_under_the_question():
    from cpts_cli.cli.questions import ChoiceList

    choices = ChoiceList([label for _, label in THEMES])
    choices.type("Accès")
    assert choices.status() == [("class:instruction", "Filtre : "), ("class:filter", "Accès")]
    choices.type("zz")
    assert choices.pointed() is None and choices.lines() == []
    assert choices.status() == [
        (
            "class:refused",
            "Aucun choix ne correspond à « Accèszz » : effacez la saisie (Retour arrière).",
        )
    ]
    choices.erase()
    choices.erase()
    assert choices.labels[choices.pointed()] == "Accès aux soins"


def test_a_filter_keeps_the_pointer_on_a_choice_it_shows():
    keys = "s" + DOWN + ENTER  # « s »: Situation sociale, Offre de soins, Accès aux soins,
    (answer,), _ = ask([theme(default="acces_soins")], keys)  # Établissements…
    assert answer == "etablissements"  # from Accès aux soins (shown), one down


# --------------------------------------------------------------------------- French only


def test_every_word_on_screen_is_french():
    prompts = [
        theme(),
        Prompt("confirm", "Ajouter un indicateur ?", default=True),
        Prompt("confirm", "Ajouter un constat ?", default=False),
        Prompt("checkbox", "Indicateurs", choices=THEMES[:4], validate=lambda v: None),
        Prompt("checkbox", "Rien", choices=THEMES[:3]),
        Prompt("checkbox", "Un seul", choices=THEMES[:3]),
        Prompt("select", "Court", choices=THEMES[:3]),
        Prompt("text", "Libellé", validate=lambda t: None if t else "Réponse obligatoire."),
    ]
    keys = (
        "Accès"
        + ENTER
        + ENTER
        + "n"
        + ENTER
        + SPACE
        + DOWN
        + SPACE
        + ENTER
        + ENTER
        + DOWN
        + SPACE
        + ENTER
        + "j"
        + ENTER
        + ENTER
        + "Part des 75 ans"
        + ENTER
    )
    answers, screen = ask(prompts, keys)
    assert answers == [
        "acces_soins",
        True,
        False,
        ["population", "social"],
        [],
        ["social"],
        "social",
        "Part des 75 ans",
    ]
    # Keys typed ahead are read before a question is first drawn: the answered lines are
    # what the pipe shows for sure (the pseudo-terminal tests below see the rest).
    assert not ENGLISH.search(screen), ENGLISH.search(screen)
    assert "? Indicateurs Population ; Situation sociale (2 choix)" in screen
    assert "? Rien aucun" in screen
    assert "? Un seul Situation sociale" in screen
    assert "? Ajouter un constat ? Non" in screen


def test_a_refused_checkbox_says_why_in_french_and_stays():
    check = lambda values: None if values else "Cochez au moins un indicateur."  # noqa: E731
    prompt = Prompt("checkbox", "Indicateurs", choices=THEMES[:3], validate=check)
    (answer,), screen = ask([prompt], ENTER + SPACE + ENTER)
    assert answer == ["population"]  # the first Entrée was refused: the question stayed
    assert not ENGLISH.search(screen)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([label for _, label in THEMES]),
    st.data(),
)
def test_any_part_of_a_label_finds_it_with_or_without_accents(label, data):
    from cpts_cli.cli.questions import ChoiceList, folded

    choices = ChoiceList([lab for _, lab in THEMES])
    plain = folded(label)
    start = data.draw(st.integers(0, len(plain) - 1))
    end = data.draw(st.integers(start + 1, len(plain)))
    part = plain[start:end].strip()
    if not part:
        return
    typed = data.draw(st.sampled_from([part, part.upper(), label[start:end]]))
    choices.type(typed)
    assert choices.labels.index(label) in choices.visible()


# --------------------------------------------------------------------------- cpts init


def init_answers(keys: str, given: dict | None = None) -> tuple[dict, list[str]]:
    said: list[str] = []
    base = {"nom": "CPTS du Lac", "porteur": "B", "profession": "infirmier", "email": "a@b.fr"}
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        from prompt_toolkit.output import DummyOutput

        answers = ask_init(
            {**base, **(given or {})},
            say=lambda text, kind: said.append(f"{kind}: {text}".replace("\u202f", " ")),
            input=pipe,
            output=DummyOutput(),
        )
    return answers, said


def test_init_takes_names_and_codes_for_the_communes():
    keys = "Annecy, St Jorioz, 74010, Faverges" + ENTER + ENTER  # Faverges: the first offered
    answers, said = init_answers(keys)
    assert answers["communes"] == ["74010", "74242", "74123"]  # Annecy once
    assert said == [
        "ok: « Annecy » : commune 74010 Annecy, 74, 132 117 habitants.",
        "ok: « St Jorioz » : commune 74242 Saint-Jorioz, 74, 6 390 habitants.",
    ]


def test_init_offers_the_places_a_name_may_designate_and_none_of_them():
    keys = (
        "Anecy"
        + ENTER  # a typo: Annecy, Ancy, Ancey
        + DOWN * 3
        + ENTER  # (aucune de celles-ci : corriger la réponse): asked again, ready to correct
        + BACKSPACE * 5
        + "Chnove"
        + ENTER  # one close name: taken
    )
    answers, said = init_answers(keys)
    assert answers["communes"] == ["21166"]
    assert said == ["ok: « Chnove » : commune 21166 Chenôve, 21, 14 244 habitants."]


def test_init_says_the_nearest_names_and_asks_again():
    keys = "Xyzzyville" + ENTER + BACKSPACE * 10 + "21231" + ENTER
    answers, said = init_answers(keys)
    assert answers["communes"] == ["21231"]
    assert len(said) == 1 and said[0].startswith("refused: « Xyzzyville » : aucune commune")
    assert "Corrigez la réponse." in said[0]


def test_init_takes_an_intercommunality_by_its_usual_name():
    keys = ENTER + "Grand Annecy" + ENTER  # no commune, then the EPCI
    answers, said = init_answers(keys)
    assert answers["communes"] == [] and answers["epci"] == ["200066793"]
    assert len(said) == 1
    assert said[0].startswith(
        "ok: « Grand Annecy » : intercommunalité 200066793 CA du Grand Annecy, 74, "
    )


# --------------------------------------------------------------------------- real terminal


class Terminal:
    """A command in a pseudo-terminal (pexpect) and the screen it draws."""

    def __init__(self, args: list[str], cwd) -> None:
        pexpect = pytest.importorskip("pexpect")
        if not hasattr(pexpect, "spawn"):  # Windows: no pseudo-terminal
            pytest.skip("pexpect ne peut pas lancer de pseudo-terminal ici")
        self.screen = Screen(rows=40, columns=120)
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "cpts_cli", *args],
            cwd=str(cwd),
            # No cursor-position request: pexpect never answers it (a terminal does at once),
            # and prompt_toolkit would wait a second for it after every question.
            env={
                "TERM": "xterm",
                "PATH": "/usr/bin:/bin",
                # This checkout first (the questions come from here), then the caller's path.
                "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
                "PROMPT_TOOLKIT_NO_CPR": "1",
                "COLUMNS": "120",
                "LINES": "40",
            },
            encoding="utf-8",
            timeout=20,
            dimensions=(40, 120),
        )

    def _read(self, timeout: float) -> bool:
        import pexpect

        try:
            self.screen.feed(self.child.read_nonblocking(4096, timeout=timeout))
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            return False
        return True

    def wait(self, text: str, timeout: float = 20) -> None:
        """Until ``text`` is on the screen."""
        deadline = time.monotonic() + timeout
        while text not in self.screen.text():
            if time.monotonic() > deadline or not self._read(0.1):
                raise AssertionError(f"« {text} » absent de l'écran :\n{self.screen.window()}")

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def finish(self) -> str:
        """Everything on the screen once the command has ended."""
        deadline = time.monotonic() + 20
        while self._read(0.2) and time.monotonic() < deadline:
            pass
        self.child.close()
        return self.screen.text()


def test_init_in_a_terminal_filters_with_accents_and_takes_names(tmp_path):
    term = Terminal(["init", str(tmp_path)], tmp_path)
    term.wait("Nom de la CPTS")
    term.send("CPTS du Lac" + ENTER)
    term.wait("Nom du porteur")
    term.send("Dr Martin" + ENTER)
    term.wait("(flèches ↑ ↓ ou tapez pour filtrer, puis Entrée)")
    term.send("médecin g")
    term.wait("Filtre : médecin g")
    assert " » Médecin généraliste\nFiltre : médecin g" in term.screen.text()
    term.send("xyz")
    term.wait("Aucun choix ne correspond à « médecin gxyz » : effacez la saisie (Retour arrière).")
    term.send(ENTER)  # records nothing: the question stays
    time.sleep(0.3)
    term.send(BACKSPACE * 3)
    term.wait("» Médecin généraliste")
    term.send(ENTER)
    term.wait("? Profession du porteur : Médecin généraliste")
    term.wait("Courriel")
    term.send(ENTER)
    term.wait("Premières communes")
    term.send("Annecy, St Jorioz, 74010, Faverges" + ENTER)
    term.wait("« Faverges » : laquelle ?")
    term.wait("(aucune de celles-ci : corriger la réponse)")
    term.send(ENTER)
    term.wait("Fichier projet créé")
    screen = term.finish()
    assert term.child.exitstatus == 0, screen
    for line in (
        "? Profession du porteur : Médecin généraliste",
        "✔ « Annecy » : commune 74010 Annecy, 74, 132 117 habitants.",
        "✔ « St Jorioz » : commune 74242 Saint-Jorioz, 74, 6 390 habitants.",
        "? « Faverges » : laquelle ? commune 74123 Faverges-Seythenex, 74, 7 545 habitants",
    ):
        assert line in screen.replace("\u202f", " "), screen
    assert not ENGLISH.search(screen), ENGLISH.search(screen)
    text = (tmp_path / "cpts.yaml").read_text(encoding="utf-8")
    assert "profession: medecin_generaliste" in text
    assert (
        '  communes:\n    - "74010"  # Annecy\n    - "74242"  # Saint-Jorioz\n'
        '    - "74123"  # Faverges-Seythenex\n'
    ) in text


def test_fill_in_a_terminal_filters_the_themes_with_accents(tmp_path, cli):
    assert cli("init", "--no-input", "--nom", "CPTS du Lac", "--porteur", "M", tmp_path).code == 0
    term = Terminal(["fill", "diagnostic"], tmp_path)
    term.wait("(o, n ou flèches ↑ ↓, puis Entrée)")
    term.send("o" + ENTER)
    term.wait("Libellé")
    term.send("Part des 75 ans et plus" + ENTER)
    term.wait("? Code")
    term.send(ENTER)
    term.wait("? Thème (flèches ↑ ↓ ou tapez pour filtrer, puis Entrée)")
    term.send("Accès")
    term.wait("Filtre : Accès")
    assert " » Accès aux soins\nFiltre : Accès" in term.screen.text()
    term.send("zz")
    term.wait("Aucun choix ne correspond à « Accèszz »")
    term.send(ENTER)  # records nothing: the question stays
    time.sleep(0.3)
    term.send(BACKSPACE * 7 + "etab")
    term.wait("Filtre : etab")
    term.send(ENTER)
    term.wait("? Thème Établissements et services")
    for question, answer in (
        ("? Valeur", "12"),
        ("? Unité", "%"),
        ("? Année", "2022"),
        ("? Source", "Insee"),
        ("? Maille", ""),  # territoire de la CPTS, proposed
        ("? Département", ""),
        ("? Région", ""),
        ("? France", ""),
        ("? Raison de l'absence de référence", "Donnée propre au territoire"),
    ):
        term.wait(question)
        term.send(answer + ENTER)
    term.wait("Ajouter un autre indicateur ?")
    term.send("\x03")  # Ctrl-C: the indicator is written, said in French
    screen = term.finish()
    assert "Interrompu" in screen
    assert not ENGLISH.search(screen), ENGLISH.search(screen)
    text = (tmp_path / "cpts.yaml").read_text(encoding="utf-8")
    assert "      libelle: Part des 75 ans et plus\n      theme: etablissements\n" in text


def test_territory_add_in_a_terminal_offers_a_choice_among_several_places(tmp_path, cli):
    """« cpts territory add Neuilly » in a terminal: a choice (code, department,
    population); « aucune » writes nothing. Without a terminal: the listing and exit 2
    (tests/test_names.py)."""
    args = ("init", "--no-input", "--nom", "CPTS du Lac", "--communes", "74010", tmp_path)
    assert cli(*args).code == 0
    before = (tmp_path / "cpts.yaml").read_text(encoding="utf-8")
    term = Terminal(["territory", "add", "Neuilly"], tmp_path)
    term.wait("? « Neuilly » : laquelle ? (flèches ↑ ↓ puis Entrée)")
    term.wait("(aucune de celles-ci : ne rien écrire)")
    assert " » commune 27429 Neuilly, 27, 168 habitants" in term.screen.text()
    term.send(DOWN + ENTER)
    term.wait("mis à jour")
    screen = term.finish()
    assert term.child.exitstatus == 0, screen
    assert '    - "58191"  # Neuilly\n' in (tmp_path / "cpts.yaml").read_text(encoding="utf-8")
    assert not ENGLISH.search(screen), ENGLISH.search(screen)

    (tmp_path / "cpts.yaml").write_text(before, encoding="utf-8")
    term = Terminal(["territory", "add", "Neuilly"], tmp_path)
    term.wait("(aucune de celles-ci : ne rien écrire)")
    term.send(DOWN * 3 + ENTER)
    screen = term.finish()
    assert term.child.exitstatus == 2, screen
    assert "« Neuilly » : aucun lieu choisi (rien n'a été écrit)." in screen
    assert (tmp_path / "cpts.yaml").read_text(encoding="utf-8") == before
