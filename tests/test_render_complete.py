"""A final document is complete or is not produced (issue 13, point 1).

Every field of the worked example (complete through step 9, so all six deliverables are
final) is deleted in turn, one at a time (the first item of each list stands for the
others). Then either the checks report it, so that the deliverable's step is incomplete
and the document becomes a draft (``validate`` reports it and ``fill`` asks for it), or no
final document prints a placeholder: its passage is left out cleanly.
"""

from __future__ import annotations

import copy
import io
import re

from ruamel.yaml import YAML

from cpts_cli.documents import RenderLog, RenderRefused, _prepare, render_markdown
from cpts_cli.documents.environment import make_environment
from cpts_cli.project.load import parse_bytes

from .conftest import EXAMPLES

PLACEHOLDER = re.compile(r"À COMPLÉTER : ([^\]\\]*)")
#: Sections whose deletion says nothing about a document's fields.
SKIPPED = ("etapes", "format", "aci")


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list) and node:
        yield from _paths(node[0], (*prefix, 0))


def _without(data, path):
    data = copy.deepcopy(data)
    node = data
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    return data


def test_every_field_a_final_document_prints_is_checked_or_guarded():
    yaml = YAML()
    base = yaml.load((EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8"))
    env = make_environment(None)
    seen: set[tuple] = set()
    gaps: dict[str, list] = {}
    for path in _paths(base):
        generic = tuple("*" if isinstance(p, int) else p for p in path)
        if generic in seen or path[0] in SKIPPED:
            continue
        seen.add(generic)
        out = io.StringIO()
        yaml.dump(_without(base, path), out)
        doc = parse_bytes(out.getvalue().encode("utf-8"), name="cpts.yaml")
        try:
            planned, context, today = _prepare(doc, None, False, RenderLog())
        except RenderRefused:
            continue  # an earlier step is incomplete: nothing final is produced
        for p in planned:
            if p.draft:
                continue
            found = PLACEHOLDER.findall(render_markdown(env, context, p, today))
            if found:
                gaps.setdefault("/".join(map(str, generic)), []).append((p.deliverable.id, found))
    assert len(seen) > 200  # the walk did walk
    assert gaps == {}, gaps
