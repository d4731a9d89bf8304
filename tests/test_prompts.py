"""The interactive questions of ``cpts init``, driven through prompt_toolkit's pipe input."""

from __future__ import annotations

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from cpts_cli.cli.prompts import ask_init

ENTER = "\r"
DOWN = "\x1b[B"


def _ask(keys: str, answers: dict | None = None) -> dict:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        return ask_init(answers or {}, input=pipe, output=DummyOutput())


def test_all_questions_answered():
    keys = (
        "CPTS du Val"
        + ENTER
        + "Dr Claire Martin"
        + ENTER
        + DOWN
        + ENTER  # profession: first real choice after "(ne pas préciser)"
        + "claire@exemple.fr"
        + ENTER
        + "21166, 21355"
        + ENTER
    )
    answers = _ask(keys)
    assert answers["nom"] == "CPTS du Val"
    assert answers["porteur"] == "Dr Claire Martin"
    assert answers["profession"] == "medecin_generaliste"
    assert answers["email"] == "claire@exemple.fr"
    assert answers["communes"] == ["21166", "21355"]


def test_a_wrong_commune_is_refused_then_a_good_one_accepted():
    keys = (
        ENTER * 0
        + "21999"
        + ENTER  # refused by the rule's validator: stays on the question
        + "\x7f" * 5
        + "21231"
        + ENTER
    )
    answers = _ask(keys, {"nom": "A", "porteur": "B", "profession": "infirmier", "email": "a@b.fr"})
    assert answers["communes"] == ["21231"]


def test_a_bad_email_is_refused():
    keys = "pas-un-courriel" + ENTER + "\x7f" * 15 + "ok@exemple.fr" + ENTER + "21231" + ENTER
    answers = _ask(keys, {"nom": "A", "porteur": "B", "profession": "infirmier"})
    assert answers["email"] == "ok@exemple.fr"


def test_ctrl_c_aborts():
    with pytest.raises(KeyboardInterrupt):
        _ask("CPTS" + "\x03")


def test_name_is_required():
    keys = ENTER + "Nom" + ENTER
    answers = _ask(
        keys, {"porteur": "B", "profession": "infirmier", "email": "a@b.fr", "communes": ["21231"]}
    )
    assert answers["nom"] == "Nom"


def test_init_in_a_pseudo_terminal(tmp_path):
    """End to end, as a user types in a terminal."""
    import sys

    pexpect = pytest.importorskip("pexpect")
    from .conftest import ROOT

    child = pexpect.spawn(
        sys.executable,
        ["-m", "cpts_cli", "init", str(tmp_path)],
        cwd=str(ROOT),
        env={"TERM": "xterm", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    child.expect("Nom de la CPTS")
    child.send("CPTS du Val\r")
    child.expect("Nom du porteur")
    child.send("Dr Martin\r")
    child.expect("Profession du porteur")
    child.send("\r")
    child.expect("Courriel")
    child.send("martin@exemple.fr\r")
    child.expect("Premières communes")
    child.send("21999\r")
    child.expect("Code commune inconnu")
    child.send("\x7f" * 5 + "21166\r")
    child.expect("Fichier projet créé")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = (tmp_path / "cpts.yaml").read_text()
    assert 'nom: "CPTS du Val"' in text and 'communes:\n    - "21166"  # Chenôve\n' in text
