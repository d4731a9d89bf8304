"""Click's and Typer's own words in French, on every Typer the pins allow (0.29+, which runs
on its own copy of Click: English strings, put in French by ``cpts_cli.cli.i18n``). A Typer
that adds or rewords a string of its help or of a usage error fails here."""

from __future__ import annotations

import re

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_cli.cli import i18n

#: Words Click or Typer write in English and never appear in cpts's French. « Options » and
#: « Arguments » are the same words in French (the panel titles), so they are not here.
ENGLISH = re.compile(
    r"\bUsage\b|Show this message|\bCommands\b|\bError\b|\bMissing\b|\bTry\b|Aborted"
    r"|\bDid you mean\b|Possible options|No such|Invalid value|unexpected extra|for help"
    r"|\[default:|\[required\]|env var|\(deprecated\)|does not exist|is not one of"
    r"|requires an argument|<(?:bool|str|int|float|file|dir|path|list\[[^>]*\]|int range)>"
    r"|\bTEXT\b|\bINTEGER\b|\bInput should\b|Value error"
)


def _command_paths() -> list[tuple[str, ...]]:
    """Every command and group of ``cpts``, as the words that name it: (), ("territory",),
    ("territory", "add")…"""
    from cpts_cli.cli.app import command

    paths: list[tuple[str, ...]] = []

    def walk(group, prefix: tuple[str, ...]) -> None:
        paths.append(prefix)
        for name, sub in getattr(group, "commands", {}).items():
            walk(sub, (*prefix, name))

    walk(command(), ())
    return paths


PATHS = _command_paths()


def _english(text: str) -> list[str]:
    return ENGLISH.findall(text)


def test_every_command_is_scanned():
    assert {(), ("validate",), ("territory",), ("territory", "add"), ("actors", "import")} <= set(
        PATHS
    )
    assert len(PATHS) >= 20


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "cpts")
def test_help_of_every_command_has_no_english_word_of_click(path, cli):
    result = cli(*path, "-h")
    assert result.code == 0, result
    text = result.out + result.err
    assert f"Utilisation : cpts {' '.join(path)}".rstrip() in text
    assert "Afficher ce message et quitter." in text
    assert not _english(text), (_english(text), text)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "cpts")
def test_unknown_option_of_every_command_is_told_in_french(path, cli):
    result = cli(*path, "--zzz-inconnue")
    assert result.code == 2, result
    text = result.out + result.err
    assert "Option inconnue" in text and "--zzz-inconnue" in text
    assert f"Essayez « cpts {' '.join(path)}".replace("  ", " ").rstrip() in text
    assert "Erreur" in text and not _english(text), text


@pytest.mark.parametrize(
    ("args", "french"),
    [
        (("bogus",), "Commande inconnue : « bogus »."),
        (("guide", "territoire", "extra"), "Argument en trop : extra"),
        (("territory", "add"), "Argument manquant 'CODE...'."),
        (("validate", "--etape"), "L'option « --etape » attend une valeur."),
        (("validate", "--etape", "territoir"), "Vouliez-vous dire « territoire »"),
        (("validate", "--format", "xml"), "« xml » ne fait pas partie de"),
        (("territory", "search", "x", "-n", "zéro"), "Valeur invalide pour '--limit' / '-n' :"),
        (("territory", "search", "x", "-n", "0"), "Valeur invalide pour '--limit' / '-n' :"),
        (("render", "--out", "cpts.yaml"), "« cpts.yaml » est un fichier."),
        (("actors", "import", "introuvable.csv"), "introuvable"),
        (("render", "--bruillon"), "Vouliez-vous dire"),
    ],
)
def test_usage_errors_are_french(args, french, cli, tmp_path):
    (tmp_path / "cpts.yaml").write_text("nom: x\n")
    result = cli(*args, cwd=tmp_path)
    text = result.out + result.err
    assert result.code == 2, result
    assert french in text, text
    assert not _english(text), (_english(text), text)


@settings(max_examples=25, deadline=None)
@given(st.from_regex(r"--[a-z][a-z-]{2,15}", fullmatch=True))
def test_any_unknown_option_is_told_in_french(option):
    from .conftest import run_cli

    result = run_cli(["validate", option])
    text = result.out + result.err
    if result.code == 0:  # a real option of validate (--strict…), or a prefix Click accepts
        return
    assert "Option inconnue" in text or "Vouliez-vous dire" in text or "attend" in text, text
    assert not _english(text), (_english(text), text)


@pytest.mark.parametrize(
    ("english", "french"),
    [
        # The sentences of the Click inside Typer 0.26+ (typer/_click), as it writes them.
        ("No such option: --nope", "Option inconnue : --nope"),
        (
            "No such option: --brouillo (Possible options: --brouillon)",
            "Option inconnue : --brouillo Vouliez-vous dire --brouillon ?",
        ),
        (
            "No such option: --fo (Possible options: --force, --format)",
            "Option inconnue : --fo (Vouliez-vous dire l'une de : --force, --format ?)",
        ),
        ("Got unexpected extra argument(s) (a)", "Argument en trop : a"),
        ("Got unexpected extra argument(s) (a b)", "Arguments en trop : a b"),
        ("Missing argument 'CODE...'.", "Argument manquant 'CODE...'."),
        ("Missing option '--nom'.", "Option manquante '--nom'."),
        ("Option '--etape' requires an argument.", "L'option « --etape » attend une valeur."),
        ("Option '--x' requires 2 arguments.", "L'option « --x » attend 2 valeurs."),
        (
            "Option '--strict' does not take a value.",
            "L'option « --strict » ne prend pas de valeur.",
        ),
        (
            "Invalid value for '--format': 'xml' is not one of 'text', 'json'.",
            "Valeur invalide pour '--format' : « xml » ne fait pas partie de : 'text', 'json'.",
        ),
        (
            "Invalid value for '-n': Value 'abc' is not a valid int.",
            "Valeur invalide pour '-n' : « abc » n'est pas un int valide.",
        ),
        (
            "Invalid value for 'FICHIER': File 'x.csv' does not exist.",
            "Valeur invalide pour 'FICHIER' : Fichier « x.csv » introuvable.",
        ),
        ("Invalid value for '--out': Directory 'd' is a file.", None),
        (  # Typer's suggestion after Click's (French) message
            "Commande inconnue : « statu ». Did you mean 'status'?",
            "Commande inconnue : « statu » Vouliez-vous dire 'status' ?",
        ),
        (
            "Invalid value for '--out': dir 'd' is a file.",
            "Valeur invalide pour '--out' : Dossier « d » est un fichier.",
        ),
        # Typer 0.29 converts values with pydantic.
        (
            "Invalid value for '-n': Input should be a valid integer, unable to parse string as an integer",
            "Valeur invalide pour '-n' : Un nombre entier est attendu.",
        ),
        (
            "Invalid value for '-n': Input should be greater than or equal to 1",
            "Valeur invalide pour '-n' : La valeur doit être supérieure ou égale à 1.",
        ),
        (
            "Invalid value for '--format': Value error, « xml » ne fait pas partie de : 'text', 'json'.",
            "Valeur invalide pour '--format' : « xml » ne fait pas partie de : 'text', 'json'.",
        ),
        ("Missing command.", "Commande manquante."),
        # Already French (Click with gettext): left as it is.
        ("Option inconnue : --nope", "Option inconnue : --nope"),
    ],
)
def test_translate_the_english_of_the_click_inside_typer(english, french):
    result = i18n.translate(english)
    if french is not None:
        assert result == french
    assert not _english(result), result


def test_the_click_typer_runs_on_is_found_without_a_private_import():
    """``ClickException`` and ``UsageError`` come from ``typer.BadParameter``'s bases: if a
    Typer renamed them, this fails (and ``cpts`` would not catch its usage errors)."""
    assert issubclass(typer.BadParameter, i18n.UsageError)
    assert issubclass(i18n.UsageError, i18n.ClickException)
    assert i18n.FrenchHelpFormatter.write_usage is not typer.Context.formatter_class.write_usage


def test_rich_help_words_are_french_once_loaded(cli):
    cli("-h")
    from typer import rich_utils

    for attr, english in i18n._RICH_CONSTANTS.items():
        if hasattr(rich_utils, attr):
            assert getattr(rich_utils, attr) == i18n.FR[english], attr


def test_show_completion_takes_the_shell_or_not(cli, monkeypatch):
    """``--show-completion`` alone is accepted (the shell cpts runs in), not « attend une
    valeur »: the value is optional on every Typer."""
    monkeypatch.setenv("SHELL", "/bin/bash")
    result = cli("--show-completion")
    text = result.out + result.err
    assert "attend une valeur" not in text and not _english(text), text
    assert (
        result.code == 0
        and "_CPTS_COMPLETE=complete_bash" in result.out
        or (result.code == 2 and "shell non détecté" in text)
    ), text


def test_a_usage_error_in_json_is_french_too(cli):
    result = cli("validate", "--zzz", "--format", "json")
    assert result.code == 2
    error = result.json()["erreur"]
    assert error["code_sortie"] == 2 and "Option inconnue" in error["message"]
    assert not _english(error["message"]), error
