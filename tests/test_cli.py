"""The commands as a user runs them: init → status → validate → next, JSON equal to the API."""

from __future__ import annotations

import json

import pytest

from cpts_cli.checking.check import check_path, reports_to_dict

from .conftest import run_python


def test_help_is_french(cli):
    result = cli("--help")
    assert result.code == 0
    for words in ("Utilisation", "Afficher ce message et quitter", "Commandes"):
        assert words in result.out
    assert "Show this message" not in result.out and "Usage:" not in result.out
    sub = cli("validate", "--help")
    assert "Les avertissements comptent comme des erreurs" in sub.out


def test_usage_errors_are_french_and_exit_2(cli):
    result = cli("validate", "--nope")
    assert result.code == 2
    assert "Option inconnue" in result.out + result.err
    result = cli("bogus")
    assert result.code == 2 and "Commande inconnue" in result.out + result.err
    result = cli("validate", "--etape", "territoir")
    assert result.code == 2 and "Vouliez-vous dire « territoire »" in result.out + result.err


def test_version(cli):
    from cpts_cli import __version__

    result = cli("--version")
    assert result.code == 0 and result.out.strip() == f"cpts {__version__}"


def test_init_no_input_then_status_validate_next(tmp_path, cli):
    result = cli(
        "init",
        tmp_path,
        "--no-input",
        "--nom",
        "CPTS du Val",
        "--porteur",
        "Dr Claire Martin",
        "--email",
        "claire@exemple.fr",
        "--communes",
        "21166,21355",
        "--profession",
        "medecin_generaliste",
    )
    assert result.code == 0, result
    path = tmp_path / "cpts.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=./cpts.schema.json\n")
    assert (tmp_path / "cpts.schema.json").is_file()
    assert "# Étape 1 — Identifier un territoire." in text
    assert 'communes:\n    - "21166"  # Chenôve\n    - "21355"  # Longvic\n' in text

    status = cli("status", path, "--format", "json").json()
    assert status["etape"] == "territoire"
    assert [m["code"] for m in status["manquants"]] == ["CPTS-T008"]

    result = cli("next", path)
    assert result.code == 1
    assert "CPTS-T008" in result.out
    assert path.read_text() == text  # nothing written

    path.write_text(
        text.replace('justification: ""', "justification: Bassin de vie du sud dijonnais.")
    )
    before = path.read_text()
    result = cli("next", path)
    assert result.code == 0, result
    after = path.read_text()
    assert "etapes:\n  territoire:\n    terminee_le: 2025-11-01\n" in after
    # only the etapes lines changed
    assert (
        after.replace("etapes:\n  territoire:\n    terminee_le: 2025-11-01\n", "etapes: {}\n")
        == before
    )
    status = cli("status", path, "--format", "json").json()
    assert status["etape"] == "mobilisation"
    assert status["etapes"][0]["etat"] == "terminee"


def test_init_refuses_to_overwrite(tmp_path, cli):
    args = ("init", tmp_path, "--no-input", "--nom", "A")
    assert cli(*args).code == 0
    (tmp_path / "cpts.yaml").write_text("format: 1\n# mon travail\n")
    result = cli(*args)
    assert result.code == 2 and "existe déjà" in result.err
    assert (tmp_path / "cpts.yaml").read_text() == "format: 1\n# mon travail\n"
    assert cli(*args, "--force").code == 0


def test_init_checks_options(tmp_path, cli):
    result = cli("init", tmp_path, "--no-input", "--nom", "A", "--communes", "21999")
    assert result.code == 2
    assert "Code commune inconnu" in result.out + result.err
    assert not (tmp_path / "cpts.yaml").exists()
    result = cli("init", tmp_path, "--no-input")
    assert result.code == 2 and "nom de la CPTS est obligatoire" in result.out + result.err


def test_init_without_terminal_says_so(tmp_path, cli):
    result = cli("init", tmp_path, "--nom", "A")
    assert result.code == 2
    assert "--no-input" in result.err
    assert not (tmp_path / "cpts.yaml").exists()


def test_init_examples(tmp_path, cli):
    listing = cli("init", "--exemple", "")
    assert "sud-dijonnais" in listing.out and "val-de-vingeanne" in listing.out
    result = cli("init", tmp_path, "--exemple", "sud-dijonnais")
    assert result.code == 0
    assert cli("init", tmp_path / "x", "--exemple", "nope").code == 2


def test_worked_example_validates_through_step_9(tmp_path, cli):
    assert cli("init", tmp_path, "--exemple", "sud-dijonnais").code == 0
    path = tmp_path / "cpts.yaml"
    result = cli("validate", path, "--strict", "--etape", "mise_en_oeuvre")
    assert result.code == 0, result.out
    report = cli("validate", path, "--format", "json").json()
    assert report["fichiers"][0]["valide"] is True
    assert report["fichiers"][0]["etape"] == "mise_en_oeuvre"
    status = cli("status", path, "--format", "json").json()
    assert all(s["etat"] == "terminee" for s in status["etapes"])
    assert cli("next", path).code == 0


def test_json_output_equals_the_api(example, cli):
    example.write_text(example.read_text().replace('"21166"', '"21999"', 1))
    printed = cli("validate", example, "--format", "json").json()
    assert printed == reports_to_dict([check_path(example)])
    assert printed["fichiers"][0]["valide"] is False
    finding = next(f for f in printed["fichiers"][0]["constats"] if f["code"] == "CPTS-T001")
    assert set(finding) == {"gravite", "code", "chemin", "ligne", "colonne", "message"}
    assert finding["chemin"].startswith("/territoire/communes/")


def test_text_output_format(example, cli):
    lines = example.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if '"21166"' in line)
    example.write_text(example.read_text().replace('"21166"', '"21999"', 1))
    result = cli("validate", example)
    assert result.code == 1
    col = lines[index].index('"21166"') + 1
    assert (
        f"{example}:{index + 1}:{col}: erreur CPTS-T001 Code commune inconnu : « 21999 »"
    ) in result.out
    assert result.out.strip().splitlines()[-1].startswith("fichier non valide — 1 erreur")


def test_editing_a_done_step_warns_and_keeps_the_record(example, cli):
    text = example.read_text()
    example.write_text(text.replace("  justification:", "  justification_old:", 1))
    result = cli("validate", example)
    assert "CPTS-G002" in result.out and "CPTS-T008" in result.out
    assert "CPTS-S002" in result.out  # unknown key, with its suggestion
    assert "vouliez-vous dire « justification »" in result.out
    assert "terminee_le" in example.read_text()
    assert cli("next", example).code == 1


def test_strict_counts_warnings(example, cli):
    example.write_text(example.read_text().replace("  nom: ", "  nmo_inconnu: x\n  nom: ", 1))
    assert cli("validate", example).code == 0
    result = cli("validate", example, "--strict")
    assert result.code == 1 and "CPTS-S002" in result.out


def test_several_files_and_a_folder(tmp_path, cli):
    for name in ("a", "b"):
        assert cli("init", tmp_path / name, "--no-input", "--nom", name.upper()).code == 0
    both = cli(
        "validate", tmp_path / "a" / "cpts.yaml", tmp_path / "b" / "cpts.yaml", "--format", "json"
    ).json()
    assert [f["fichier"] for f in both["fichiers"]] == [
        str(tmp_path / n / "cpts.yaml") for n in ("a", "b")
    ]
    folder = cli("validate", tmp_path / "a", "--format", "json").json()
    assert len(folder["fichiers"]) == 1


def test_guide(cli):
    result = cli("guide")
    assert result.code == 0 and "Identifier un territoire" in result.out
    result = cli("guide", "territoire")
    assert "Ce qu'il faut faire" in result.out and "CPTS-T001" in result.out
    data = cli("guide", "3", "--format", "json").json()
    assert data["etape"] == "diagnostic" and data["livrable"] == "diagnostic"
    assert cli("guide", "nope").code == 2


def test_schema_command_prints_the_schema(cli):
    result = cli("schema")
    assert json.loads(result.out)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_no_traceback_on_internal_error(cli, monkeypatch):
    """An internal error has its own exit code, 3: a script tells "crashed" from "could not
    run" (2)."""
    import cpts_cli.checking.check as check

    def boom(*args, **kwargs):
        raise RuntimeError("secret data")

    monkeypatch.setattr(check, "check_paths", boom)
    result = cli("validate", "x.yaml")
    assert result.code == 3
    assert "Erreur interne inattendue : RuntimeError" in result.err
    assert "Traceback" not in result.err and "secret data" not in result.err
    assert "--debug" in result.err
    with pytest.raises(RuntimeError):
        from cpts_cli.cli.app import main

        main(["--debug", "validate", "x.yaml"])


HEAVY = ("docx", "lxml", "matplotlib", "questionary", "prompt_toolkit", "openpyxl", "jsonschema")


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_and_version_load_no_heavy_library(args):
    code = (
        "import sys\n"
        "from cpts_cli.cli.app import main\n"
        f"sys.argv = ['cpts'] + {args!r}\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "sys.stderr.write(repr(loaded))\n"
    )
    proc = run_python("-c", code)
    assert proc.stderr.strip().endswith("[]"), proc.stderr


def test_python_m_works():
    proc = run_python("-m", "cpts_cli", "--version")
    assert proc.returncode == 0 and proc.stdout.startswith("cpts ")


def test_init_with_a_file_name_explains(tmp_path, cli):
    result = cli("init", tmp_path / "mon.yaml", "--no-input", "--nom", "A")
    assert result.code == 2 and "attend un dossier" in result.err
    assert not (tmp_path / "mon.yaml").exists()


def test_status_points_at_a_done_step_that_broke(example, cli):
    example.write_text(example.read_text().replace("  justification:", "  justificaton:", 1))
    data = cli("status", example, "--format", "json").json()
    assert data["prochaine_action"].startswith("Reprenez l'étape 1 « Identifier un territoire »")
    assert any("n'est plus complète" in a for a in data["alertes"])


def test_every_command_takes_quiet_and_help():
    """SPEC: ``-q/--quiet`` and ``-h/--help`` are common to all commands."""
    import typer.main

    from cpts_cli.cli.app import app

    root = typer.main.get_command(app)
    seen = []

    def walk(group, prefix):
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                walk(command, prefix + [name])
                continue
            flags = {flag for p in command.params for flag in getattr(p, "opts", [])}
            seen.append(" ".join(prefix + [name]))
            assert {"-q", "--quiet"} <= flags, f"cpts {' '.join(prefix + [name])} sans -q"

    walk(root, [])
    assert {"fill", "render", "territory add", "actors import"} <= set(seen)


def test_no_plural_in_brackets_in_what_a_user_reads(tmp_path, cli, example):
    """« 3 points à compléter », « 1 commune » — never « point(s) » or « commune(s) »."""
    assert (
        cli("init", tmp_path / "nouveau", "--no-input", "--nom", "A", "--communes", "21166").code
        == 0
    )
    new = tmp_path / "nouveau" / "cpts.yaml"
    text = example.read_text(encoding="utf-8")
    # a step recorded as done that is no longer complete (CPTS-G002)
    example.write_text(text.replace("  justification: >-", "  justification_x: >-", 1))
    outputs = []
    for args in (
        ("status", new),
        ("next", new),
        ("validate", example),
        ("status", example),
        ("render", new, "--brouillon", "--format", "md", "--out", tmp_path / "docs"),
    ):
        result = cli(*args)
        outputs.append(result.out + result.err)
    outputs += [p.read_text(encoding="utf-8") for p in (tmp_path / "docs").glob("*.md")]
    assert any("1 commune" in o for o in outputs)
    assert any("points à compléter" in o for o in outputs)
    assert any("CPTS-G002" in o for o in outputs)
    for output in outputs:
        assert "(s)" not in output, output


@pytest.mark.parametrize(
    "command",
    [["validate"], ["status"], ["next"], ["territory", "info"], ["funding"]],
    ids=" ".join,
)
def test_json_error_when_the_command_cannot_run(tmp_path, cli, command):
    """Under --format json, an error that stops the command is a JSON object on stdout too
    (exit 2); without it, stdout stays empty."""
    missing = tmp_path / "absent.yaml"
    result = cli(*command, "--format", "json", missing)
    assert result.code == 2
    error = result.json()["erreur"]
    assert error["code_sortie"] == 2
    assert error["message"].startswith("Fichier introuvable : « ")
    assert "Fichier introuvable" in result.err
    text = cli(*command, missing)
    assert text.code == 2 and text.out == "" and "Fichier introuvable" in text.err


def test_json_error_for_an_unreadable_file_and_a_usage_error(tmp_path, cli):
    broken = tmp_path / "cpts.yaml"
    broken.write_text("format: 1\ncpts:\n  nom: CPTS: du Val\n", encoding="utf-8")
    result = cli("territory", "info", "--format=json", broken)
    assert result.code == 2
    assert "ne peut pas être lu (ligne 3)" in result.json()["erreur"]["message"]
    result = cli("validate", "--format", "json", "--nope")
    assert result.code == 2
    assert result.json() == {
        "erreur": {"message": result.json()["erreur"]["message"], "code_sortie": 2}
    }
    assert "--nope" in result.json()["erreur"]["message"]


@pytest.mark.parametrize(
    "command,target",
    [
        (["validate"], "cpts_cli.checking.check.check_paths"),
        (["status"], "cpts_cli.checking.check.check_path"),
        (["territory", "info"], "cpts_cli.territory.info.info"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_json_error_on_internal_error(example, cli, monkeypatch, command, target):
    module, name = target.rsplit(".", 1)

    def boom(*args, **kwargs):
        raise RuntimeError("secret data")

    monkeypatch.setattr(f"{module}.{name}", boom)
    result = cli(*command, "--format", "json", example)
    assert result.code == 3
    error = result.json()["erreur"]
    assert error["code_sortie"] == 3
    assert error["message"].startswith("Erreur interne inattendue : RuntimeError.")
    assert "secret data" not in result.out + result.err


def test_a_general_error_is_shown_as_such_not_as_done_steps_broken(example, cli):
    """A wrong type in ``cpts`` blocks every step but is no step's fault: ``next`` and
    ``status`` show the error itself, not « étape 1 … n'est plus complète » with nothing."""
    text = example.read_text(encoding="utf-8")
    text = text.replace("  nom: CPTS du Sud Dijonnais", "  nom: [a]", 1)
    example.write_text(text.replace("  mise_en_oeuvre:\n    terminee_le: 2025-07-10\n", "", 1))
    result = cli("next", example)
    assert result.code == 1
    assert "CPTS-S001" in result.out and "n'est plus complète" not in result.out
    status = cli("status", example, "--format", "json").json()
    assert not status["prochaine_action"].startswith("Reprenez")
    assert [m["code"] for m in status["manquants"]] == ["CPTS-S001"]
    assert "CPTS-G002" not in cli("validate", example).out


def test_positions_and_file_text_are_printed_as_they_are(tmp_path, cli):
    """Rich turned ``:100:`` into an emoji (a finding at line 100 read ``x.yaml💯1``), and a
    key written ``"\\e[2J"`` reached the reviewer's terminal as an escape sequence."""
    path = tmp_path / "x.yaml"
    path.write_text("format: 1\n" + "#\n" * 97 + 'inconnue: 1\n"a\\e[2Jb": 1\n')
    result = cli("validate", path)
    assert f"{path}:99:1: avertissement CPTS-S002 Clé inconnue « inconnue »" in result.out
    assert "« a\\x1b[2Jb »" in result.out and "\x1b" not in result.out


def test_colours_are_those_rich_would_write():
    """The fast writer of findings (no Rich rendering per line) writes the same codes."""
    import io

    from rich.console import Console

    from cpts_cli.checking.findings import Finding, Severity
    from cpts_cli.cli.reporters import _line_maker, finding_line

    f = Finding(Severity.ERROR, "CPTS-T001", "/territoire", 3, 5, "Code [inconnu] : « x ».")
    for system in ("standard", "256", "truecolor", None):
        out = io.StringIO()
        console = Console(file=out, force_terminal=system is not None, color_system=system,
                          highlight=False, emoji=False, soft_wrap=True)
        console.print(finding_line(f, "a.yaml"))
        assert _line_maker(console)(f, "a.yaml") == out.getvalue(), system
