"""What users get is a non-editable install: build the wheel, install it in a fresh virtual
environment, and run the tool there on the worked example."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheels = list(out.glob("cpts-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_ships_schema_templates_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "cpts_cli/schemas/cpts.schema.json" in names
    assert "cpts_cli/referentiel/data/referentiel.sqlite" in names
    assert "cpts_cli/referentiel/data/contours.bin" in names
    assert "cpts_cli/referentiel/aci.yaml" in names
    assert "cpts_cli/data/guide.yaml" in names
    assert "cpts_cli/examples/sud-dijonnais.yaml" in names
    assert any(n.startswith("cpts_cli/templates/") for n in names)


def test_installed_wheel_runs(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # The new environment borrows the dependencies of the interpreter running the tests, be it
    # a virtual environment or not (``system_site_packages`` would give the base interpreter's,
    # which lack them inside a venv). A plain path line does not run the .pth files there, so
    # an editable install of the source tree stays out of sight.
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    borrowed = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    (Path(purelib) / "_borrowed_dependencies.pth").write_text("\n".join(borrowed) + "\n")
    proc = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--ignore-installed",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cpts = env_dir / "bin" / "cpts"
    env = {**os.environ, "NO_COLOR": "1"}
    # run from an empty folder so that the source tree cannot be imported by accident
    work = tmp_path / "work"
    work.mkdir()

    def run(*args, timeout: int = 120) -> subprocess.CompletedProcess[str]:
        """Run ``args`` from ``work`` with ``env``; its exit code and what it printed."""
        return subprocess.run(
            [str(a) for a in args],
            capture_output=True,
            text=True,
            cwd=work,
            env=env,
            timeout=timeout,
        )

    version = run(cpts, "--version")
    assert version.returncode == 0 and version.stdout.startswith("cpts ")
    where = run(python, "-c", "import cpts_cli; print(cpts_cli.__file__)")
    assert str(env_dir) in where.stdout
    init = run(cpts, "init", "--exemple", "sud-dijonnais", "ex")
    assert init.returncode == 0, init.stderr
    text = (work / "ex" / "cpts.yaml").read_text()
    # The modeline names the schema's copy beside the file (it travels with the folder),
    # which is the installed package's schema, byte for byte.
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./cpts.schema.json"
    installed = run(
        python,
        "-c",
        "from importlib import resources; import sys; sys.stdout.write(str("
        "resources.files('cpts_cli') / 'schemas' / 'cpts.schema.json'))",
    )
    assert str(env_dir) in installed.stdout
    assert (work / "ex" / "cpts.schema.json").read_bytes() == Path(installed.stdout).read_bytes()
    check = run(cpts, "validate", "ex/cpts.yaml")
    assert check.returncode in (0, 1), check.stderr
    assert "fichier" in check.stdout and "Traceback" not in check.stderr
    # The documents, charts drawn by the helper process of the installed package (a cache
    # of its own: nothing drawn before), and the templates a user can copy.
    env["CPTS_CACHE_DIR"] = str(tmp_path / "cache")

    def cpts_run(*args):
        done = run(cpts, *args, timeout=300)
        assert done.returncode == 0, done.stderr
        return done

    cpts_run("render", "ex/cpts.yaml", "-q")
    assert len(list((work / "ex" / "documents").glob("*.docx"))) == 6
    # ten charts of the diagnostic, four result indicators of the rapport annuel; the map
    assert len(list((tmp_path / "cache").glob("graphiques-*/*.png"))) == 14
    assert len(list((tmp_path / "cache").glob("cartes-*/*.png"))) == 1
    cpts_run("render", "--exporter-modeles", "mes-modeles")
    assert (work / "mes-modeles" / "README.md").is_file()
    assert (work / "mes-modeles" / "partials" / "macros.md.j2").is_file()
