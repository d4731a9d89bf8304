"""Snapshots of the TEXT of every deliverable (issue 13): what a reviewer reads, word for word.

Three projects: the worked example (six final documents), the second example (six drafts:
it is at step 2) and a project nobody prepared (``cpts init --no-input``, six drafts). The
Markdown a render writes (``--format md``) is the text the Word document carries, with the
French typography already applied; it is compared whole, so that a wording defect fixed
once (« (s) », « 0 indicateur », « calculé par l'outil », « (CLS)) »…) cannot come back
unseen.

After an intended change of a template, of a context or of the examples, rewrite them and
review the diff like any text: ``UPDATE_SNAPSHOTS=1 python -m pytest
tests/test_render_text_snapshots.py``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import EXAMPLES, run_cli
from .test_render import DOCS

SNAPSHOTS = Path(__file__).parent / "snapshots" / "texte"
PROJECTS = ("sud-dijonnais", "val-de-vingeanne", "nouveau")


def _project(name: str, folder: Path) -> Path:
    """The project file of ``name`` in ``folder``."""
    if name == "nouveau":
        result = run_cli(
            ["init", "lac", "--no-input", "--nom", "CPTS du Lac d'Annecy", "--communes", "74010"],
            cwd=folder,
        )
        assert result.code == 0, result
        return folder / "lac" / "cpts.yaml"
    shutil.copy(EXAMPLES / f"{name}.yaml", folder / "cpts.yaml")
    return folder / "cpts.yaml"


@pytest.fixture(scope="module")
def texts(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Each project's six documents as Markdown: finals where their step allows, else drafts."""
    rendered = {}
    for name in PROJECTS:
        folder = tmp_path_factory.mktemp(name)
        project = _project(name, folder)
        out = folder / "md"
        docs = [arg for doc in DOCS for arg in ("--doc", doc)]
        draft = [] if name == "sud-dijonnais" else ["--brouillon"]
        result = run_cli(["render", project, *docs, *draft, "--format", "md", "--out", out])
        assert result.code == 0, result
        rendered[name] = {
            p.name.removesuffix(".md"): p.read_text(encoding="utf-8") for p in out.glob("*.md")
        }
    return rendered


@pytest.mark.parametrize("doc_id", DOCS)
@pytest.mark.parametrize("project", PROJECTS)
def test_text_matches_the_snapshot(texts, project, doc_id):
    name = doc_id if project == "sud-dijonnais" else f"{doc_id}-brouillon"
    got = texts[project][name]
    snapshot = SNAPSHOTS / project / f"{name}.md"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(got, encoding="utf-8")
    assert snapshot.exists(), f"instantané absent : UPDATE_SNAPSHOTS=1 pour créer {snapshot}"
    want = snapshot.read_text(encoding="utf-8")
    if got != want:
        import difflib

        diff = "".join(
            list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), n=1))[:60]
        )
        pytest.fail(f"{project}/{name} a changé :\n{diff}")
