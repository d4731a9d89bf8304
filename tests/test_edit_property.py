"""Every command that writes the project file goes through ``cpts_cli.project.edit``: random
sequences of ``territory add/remove``, ``actors import``, ``fill`` answers (some interrupted
by Ctrl-C), ``next`` and a section deleted by hand, on the file ``cpts init --no-input`` writes and on both worked
examples, keep each comment in front of what it describes, the blank lines between sections,
and the data the commands said they wrote."""

from __future__ import annotations

import collections
import copy
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from cpts_cli.actors.importing.run import import_actors
from cpts_cli.fill import SKIP, fill
from cpts_cli.project.document import to_plain
from cpts_cli.project.load import read_path
from cpts_cli.referentiel import store
from cpts_cli.territory import edit as territory_edit
from cpts_cli.workflow.advance import advance
from cpts_cli.workflow.scaffold import example_text, examples, new_project_text
from cpts_cli.workflow.steps import STEP_IDS, STEPS

from .conftest import TODAY

#: Communes of the worked examples' department (Côte-d'Or), a few of them.
CODES = [c.code for c in store.communes_in(departement="21")][::40]
PROFESSIONS = ["Infirmière", "Kiné", "Médecin généraliste", "Pharmacien"]
FILL_STEPS = [s for s in STEP_IDS if s != "mise_en_oeuvre"]


def start_texts() -> dict[str, str]:
    texts = {"init": new_project_text("CPTS du Val", "Dr Martin", today=TODAY)}
    for worked in examples():
        texts[worked.name] = example_text(worked.name)
    return texts


TEXTS = start_texts()


# --------------------------------------------------------------------------- the asker


class Answers:
    """Answers like a hurried user (what is proposed, else a value its check accepts); after
    ``left`` answers, Ctrl-C."""

    #: A long text is written as a folded block (``>-``): comments after it move too.
    CANDIDATES = (
        "2024-03-15",
        "12",
        "21231",
        "W212001234",
        "Une réponse écrite" + " et longue" * 9,
    )

    def __init__(self, left: int) -> None:
        self.left = left
        self.confirms: collections.Counter[str] = collections.Counter()

    def ask(self, p):
        self.left -= 1
        if self.left < 0:
            raise KeyboardInterrupt
        if p.kind == "text":
            return self._text(p)
        if p.kind == "select":
            values = [v for v, _ in p.choices if v is not None and v is not SKIP]
            return p.default if p.default in values else (values[0] if values else None)
        if p.kind == "checkbox":
            return [p.choices[0][0]] if p.choices else []
        self.confirms[p.message] += 1
        return bool(p.default) and self.confirms[p.message] <= 2

    def say(self, text, kind="info"):
        pass

    def _text(self, p) -> str:
        ok = p.validate is None or p.validate("") is None
        if "terminer" in p.hint and ok:
            return ""  # one action, one proof… is enough
        if "AAAA" in p.hint:
            wanted = "2024-03-15"
        elif "nombre" in p.hint:
            wanted = "12"
        else:
            wanted = self.CANDIDATES[-1]
        for text in (p.default or "", wanted, *self.CANDIDATES):
            if text and (p.validate is None or p.validate(text) is None):
                return text
        raise KeyboardInterrupt  # nothing plausible: the user gives up


# --------------------------------------------------------------------------- the commands


def territory_add(path: Path, model: dict, code: str) -> None:
    result = territory_edit.add(path, [code])
    if result.changed:
        terr = model.setdefault("territoire", {})
        if not isinstance(terr.get("communes"), list):
            terr["communes"] = []
        terr["communes"].append(code)


def territory_remove(path: Path, model: dict, pick: int) -> None:
    communes = (model.get("territoire") or {}).get("communes") or []
    if not communes:
        return
    code = communes[pick % len(communes)]
    result = territory_edit.remove(path, [code])
    if result.changed:
        model["territoire"]["communes"] = [c for c in communes if c != code]


def actors_import(path: Path, model: dict, n: int, tmp: Path) -> None:
    source = tmp / f"acteurs{n}.csv"
    lines = ["Nom;Prénom;Profession"]
    lines += [f"Nom{n}x{i};Prénom{i};{PROFESSIONS[(n + i) % 4]}" for i in range(1 + n % 2)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_actors(path, source)
    assert report.written == report.merge.changed
    if report.merge.changed:
        mob = model.get("mobilisation")
        if not isinstance(mob, dict):
            mob = model["mobilisation"] = {}
        if not isinstance(mob.get("acteurs"), list):
            mob["acteurs"] = []
        for actor in report.merge.added:
            mob["acteurs"].append({**actor, "origine": "import"})


def fill_step(path: Path, model: dict, step: str, answers: int) -> None:
    doc = read_path(path)
    try:
        fill(doc, Answers(answers), step, today=TODAY)
    except KeyboardInterrupt:
        pass
    # What the engine committed (``doc.plain`` is set before each save; an interrupted item
    # is never committed).
    written = to_plain(doc.plain)
    touched = {k for k in set(written) | set(model) if written.get(k) != model.get(k)}
    section = STEPS[STEP_IDS.index(step)].section
    assert touched <= {section, "cpts"}, touched
    model.clear()
    model.update(written)


def next_step(path: Path, model: dict) -> None:
    result = advance(path, today=TODAY)
    if result.recorded:
        etapes = model.get("etapes")
        if not isinstance(etapes, dict):
            etapes = model["etapes"] = {}
        etapes[result.step.id] = {"terminee_le": TODAY.isoformat()}


def drop_section(path: Path, model: dict, section: str) -> None:
    """The user deletes a whole section, with the comment lines above it."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.startswith(f"{section}:")), None)
    if at is None:
        return
    start = at
    while start > 0 and (not lines[start - 1].strip() or lines[start - 1].startswith("#")):
        start -= 1
    end = next((i for i in range(at + 1, len(lines)) if TOP_KEY.match(lines[i])), len(lines))
    while end > at + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    model.pop(section, None)


DROPPABLE = ["etapes", "territoire", "mobilisation", *(s.section for s in STEPS[3:])]

OPERATIONS = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(CODES)),
    st.tuples(st.just("remove"), st.integers(0, 50)),
    st.tuples(st.just("import"), st.integers(0, 3)),
    st.tuples(st.just("fill"), st.sampled_from(FILL_STEPS), st.integers(0, 12)),
    st.tuples(st.just("next")),
    st.tuples(st.just("drop"), st.sampled_from(DROPPABLE)),
)


def apply(op: tuple, path: Path, model: dict, tmp: Path, counter: list[int]) -> None:
    kind = op[0]
    if kind == "add":
        territory_add(path, model, op[1])
    elif kind == "remove":
        territory_remove(path, model, op[1])
    elif kind == "import":
        counter[0] += 1
        actors_import(path, model, counter[0] * 4 + op[1], tmp)
    elif kind == "fill":
        fill_step(path, model, op[1], op[2])
    elif kind == "drop":
        drop_section(path, model, op[1])
    else:
        next_step(path, model)


# --------------------------------------------------------------------------- the checks

TOP_KEY = re.compile(r"^([A-Za-z_]+):")
HEADER = re.compile(r"^# Étape (\d)\b")


def check_headers(text: str) -> None:
    """Each « # Étape N » line is followed (blank and comment lines aside) by its section."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = HEADER.match(line)
        if not match:
            continue
        following = next(
            (x for x in lines[i + 1 :] if x.strip() and not x.lstrip().startswith("#")), ""
        )
        section = STEPS[int(match.group(1)) - 1].section
        assert following.startswith(f"{section}:"), (line, following)


def check_sections_have_headers(text: str) -> None:
    """Each step's section has its « # Étape N » header right above it (a section written
    again after the user deleted it gets the one « cpts init » writes)."""
    lines = text.splitlines()
    numbers = {s.section: s.number for s in STEPS}
    for i, line in enumerate(lines):
        match = TOP_KEY.match(line)
        if not match or match.group(1) not in numbers:
            continue
        above = i
        while above > 0 and lines[above - 1].startswith("#"):
            above -= 1
        block = lines[above:i]
        wanted = f"# Étape {numbers[match.group(1)]}"
        assert any(x.startswith(wanted) for x in block), (line, block)


def blank_before(text: str) -> dict[str, bool]:
    """For each top-level key: whether a blank line stands between it and the content
    before it."""
    out: dict[str, bool] = {}
    blank = False
    for line in text.splitlines():
        if not line.strip():
            blank = True
        elif line.startswith("#"):
            continue
        else:
            match = TOP_KEY.match(line)
            if match:
                out[match.group(1)] = blank
            blank = False
    return out


def comment_lines(text: str) -> collections.Counter:
    return collections.Counter(
        line.strip() for line in text.splitlines() if line.lstrip().startswith("#")
    )


def check(before: str, after: str, model: dict) -> None:
    check_headers(after)
    check_sections_have_headers(after)
    gaps, new_gaps = blank_before(before), blank_before(after)
    lost = [k for k, blank in gaps.items() if blank and k in new_gaps and not new_gaps[k]]
    assert not lost, lost
    missing = comment_lines(before) - comment_lines(after)
    assert not missing, missing
    assert to_plain(YAML(typ="safe").load(after)) == model


@pytest.mark.parametrize("start", sorted(TEXTS))
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPERATIONS, min_size=1, max_size=4))
# Issue 11: step 7 interrupted, then run again.
@example(ops=[("fill", "projet_sante", 5), ("fill", "projet_sante", 30)])
# A section the user deleted, written again: with its header, before the next one's.
@example(ops=[("drop", "lettre_intention"), ("fill", "lettre_intention", 3)])
def test_edits_keep_comments_blank_lines_and_data(tmp_path, start, ops):
    path = tmp_path / "cpts.yaml"
    text = TEXTS[start]
    path.write_text(text, encoding="utf-8")
    model = copy.deepcopy(read_path(path).plain)
    counter = [0]
    for op in ops:
        apply(op, path, model, tmp_path, counter)
        after = path.read_text(encoding="utf-8")
        if op[0] == "drop":
            text = after  # what the user removed is no longer expected
        check(text, after, model)
