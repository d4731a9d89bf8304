"""Team tooling: the pre-commit hook (``.pre-commit-hooks.yaml``) and shell completion."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from ruamel.yaml import YAML

from cpts_cli.documents import DELIVERABLES
from cpts_cli.workflow.steps import STEP_IDS
from tests.conftest import EXAMPLES, ROOT

HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"


def _hook() -> dict:
    hooks = YAML(typ="safe").load(HOOKS_FILE.read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and len(hooks) == 1
    return hooks[0]


def test_hook_runs_cpts_validate_on_project_files():
    hook = _hook()
    assert hook["id"] == "cpts-validate"
    assert hook["entry"] == "cpts validate"
    assert hook["language"] == "python"
    assert hook.get("pass_filenames", True) is True
    # One command for all the files: overlaps between them are checked too.
    assert hook["require_serial"] is True
    files = re.compile(hook["files"])
    for name in ("cpts.yaml", "cpts.yml", "sub/cpts.yaml", "a/b/cpts.yml"):
        assert files.search(name), name
    for name in (
        "other.yaml",
        "mycpts.yaml",
        "sub/cpts.yaml.bak",
        "cpts.json",
        ".pre-commit-config.yaml",
        "cpts.schema.json",
        ".github/workflows/cpts.yamlx",
        "cpts/other.yaml",
    ):
        assert not files.search(name), name


def test_hook_entry_accepts_several_files(tmp_path, cli):
    """What pre-commit runs: ``cpts validate FILE FILE…``, exit 1 and the French finding for
    the broken one."""
    good = tmp_path / "cpts.yaml"
    shutil.copy(EXAMPLES / "sud-dijonnais.yaml", good)
    bad = tmp_path / "sub" / "cpts.yaml"
    bad.parent.mkdir()
    bad.write_text(_broken(good.read_text(encoding="utf-8")), encoding="utf-8")
    assert cli("validate", good).code == 0
    result = cli("validate", good, bad)
    assert result.code == 1
    assert "Code commune inconnu : « 21999 »" in result.out


def _broken(text: str) -> str:
    assert '- "21166"' in text
    return text.replace('- "21166"', '- "21999"', 1)


def _git(cwd, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=cpts", "-c", "user.email=cpts@exemple.fr", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


PRE_COMMIT = shutil.which("pre-commit")


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit n'est pas installé")
@pytest.mark.skipif(shutil.which("git") is None, reason="git n'est pas installé")
def test_pre_commit_try_repo(tmp_path):
    """``pre-commit try-repo`` installs cpts from a repository holding the hook file, then
    runs it on a team's repository: the valid file passes, the broken one fails with its
    French finding. Slow (pre-commit installs cpts and its dependencies): it runs only where
    pre-commit is installed (``pip install pre-commit``)."""
    hook_repo = tmp_path / "cpts-repo"
    hook_repo.mkdir()
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, hook_repo / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("cpts_cli", "schemas", "templates"):
        shutil.copytree(ROOT / name, hook_repo / name, ignore=ignore)
    _git(hook_repo, "init", "-q")
    _git(hook_repo, "add", "-A")
    _git(hook_repo, "commit", "-q", "-m", "cpts")

    team = tmp_path / "equipe"
    (team / "sub").mkdir(parents=True)
    text = (EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8")
    (team / "cpts.yaml").write_text(text, encoding="utf-8")
    (team / "other.yaml").write_text("- pas: un projet\n", encoding="utf-8")
    _git(team, "init", "-q")
    _git(team, "add", "-A")
    _git(team, "commit", "-q", "-m", "projet")

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)  # the hook runs the cpts pre-commit installed

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PRE_COMMIT, "try-repo", str(hook_repo), "cpts-validate", "--all-files", "--color", "never"],
            cwd=team,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"cpts validate\.+Passed", passed.stdout), passed.stdout

    (team / "sub" / "cpts.yaml").write_text(_broken(text), encoding="utf-8")
    _git(team, "add", "-A")
    failed = try_repo()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"cpts validate\.+Failed", failed.stdout), failed.stdout
    assert re.search(
        r"sub/cpts\.yaml:\d+:\d+: erreur CPTS-T001 Code commune inconnu : « 21999 »", failed.stdout
    ), failed.stdout
    assert "other.yaml" not in failed.stdout  # not a project file: never validated


# Shell completion -------------------------------------------------------------------------


def _complete(words: str, *, instruction: str = "complete_bash") -> subprocess.CompletedProcess:
    """What ``cpts`` answers the shell, through the ``_CPTS_COMPLETE`` protocol: the candidates
    for the last word of ``words`` (empty when ``words`` ends with a space)."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {
        **os.environ,
        "_CPTS_COMPLETE": instruction,
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "cpts_cli"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


@pytest.mark.parametrize("instruction", ["complete_bash", "bash_complete"])
def test_completion_of_document_names(instruction):
    """Typer's order (the script's) and Click's order of the instruction both work."""
    proc = _complete("cpts render --doc d", instruction=instruction)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["diagnostic", "dossier-aci"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("cpts fill l", ["lettre_intention"]),
        ("cpts validate --etape p", ["priorites", "presentation", "projet_sante"]),
        ("cpts guide mi", ["mise_en_oeuvre"]),
        ("cpts ren", ["render"]),
        ("cpts render --doc ", list(DELIVERABLES)),
        ("cpts guide ", list(STEP_IDS)),
        ("cpts --show-completion ", ["bash", "zsh", "fish", "powershell", "pwsh"]),
    ],
)
def test_completion_of_commands_steps_and_documents(words, expected):
    proc = _complete(words)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == expected


def test_completion_of_options():
    proc = _complete("cpts render --b")
    assert proc.stdout.split() == ["--brouillon"]
    proc = _complete("cpts --")
    assert {"--version", "--install-completion", "--show-completion", "--help"} <= set(
        proc.stdout.split()
    )


def test_zsh_completion_shows_step_labels():
    env_args = {"_TYPER_COMPLETE_ARGS": "cpts fill "}
    proc = subprocess.run(
        [sys.executable, "-m", "cpts_cli"],
        capture_output=True,
        text=True,
        env={**os.environ, "_CPTS_COMPLETE": "complete_zsh", "PYTHONPATH": str(ROOT), **env_args},
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert '"lettre_intention":"5. Rédiger une lettre d\'\'intention à l\'\'ARS"' in proc.stdout


def test_show_completion_prints_the_script(cli):
    result = cli("--show-completion", "bash")
    assert result.code == 0
    assert "_CPTS_COMPLETE=complete_bash" in result.out
    assert "complete -o default -F _cpts_completion cpts" in result.out
    assert "_CPTS_COMPLETE=complete_zsh" in cli("--show-completion", "zsh").out
    assert "complete --command cpts" in cli("--show-completion", "fish").out


@pytest.mark.parametrize("instruction", ["source_bash", "bash_source"])
def test_eval_of_the_source_instruction_gives_the_script(instruction):
    """``eval "$(_CPTS_COMPLETE=bash_source cpts)"``, as Click's documentation writes it."""
    proc = _complete("cpts", instruction=instruction)
    assert proc.returncode == 0, proc.stderr
    assert "complete -o default -F _cpts_completion cpts" in proc.stdout


def test_show_completion_refuses_an_unknown_shell(cli):
    result = cli("--show-completion", "tcsh")
    assert result.code == 2
    assert "shell non pris en charge" in result.err and "tcsh" in result.err
    assert not result.out


def test_completion_options_have_french_help(cli):
    out = " ".join(cli("--help").out.split())
    assert "--install-completion" in out and "--show-completion" in out
    assert "Installer la complétion" in out
    assert "Afficher le script de complétion" in out
    assert "Install completion" not in out and "Show completion" not in out


def test_install_completion_in_bash(tmp_path, monkeypatch, cli):
    monkeypatch.setenv("HOME", str(tmp_path))
    result = cli("--install-completion", "bash")
    assert result.code == 0, result.err
    script = tmp_path / ".bash_completions" / "cpts.sh"
    assert f"Complétion bash installée dans {script}." in result.out
    assert "_CPTS_COMPLETE=complete_bash" in script.read_text()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash n'est pas installé")
def test_bash_completes_through_the_script_it_is_given(tmp_path):
    """End to end: bash sources the script of ``--show-completion bash`` and, asked to
    complete ``cpts render --doc d``, gets the two documents."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    wrapper = bindir / "cpts"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cpts_cli "$@"\n')
    wrapper.chmod(0o755)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
    script = (
        'eval "$(cpts --show-completion bash)"\n'
        "COMP_WORDS=(cpts render --doc d); COMP_CWORD=3\n"
        "_cpts_completion cpts\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    proc = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["diagnostic", "dossier-aci"]


def test_no_arguments_shows_the_help_without_a_traceback(cli):
    """``cpts`` alone: the help (the completion script runs ``cpts`` without arguments too)."""
    result = cli()
    assert "Traceback" not in result.err and "ValueError" not in result.err
    assert "Utilisation : cpts" in result.out + result.err
    assert result.code == 2  # Click's « no arguments: help » is a usage error
