"""A user's hostile template (`cpts render --templates`): bounded in time, memory and size,
every error in French (issue 12, items 1 and 3).

Each case runs `cpts render` in a child process limited to 500 MB of address space and
30 seconds, so that a regression fails instead of hanging the suite."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES, ROOT

MEMORY = 500 * 1024 * 1024


def _limit() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def render_template(tmp_path, source: str, timeout: float = 30):
    """`cpts render --templates` of a presentation made of ``source``, in a limited child:
    (exit code, what it printed, seconds)."""
    project = tmp_path / "cpts.yaml"
    shutil.copy(EXAMPLES / "sud-dijonnais.yaml", project)
    mine = tmp_path / "modeles"
    mine.mkdir()
    (mine / "presentation.md.j2").write_text(source + "\n", encoding="utf-8")
    start = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cpts_cli",
            "render",
            str(project),
            "--templates",
            str(mine),
            "--doc",
            "presentation",
            "--format",
            "md",
            "--out",
            str(tmp_path / "sortie"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        preexec_fn=_limit,
        env={"NO_COLOR": "1", "COLUMNS": "200", "PATH": "/usr/bin:/bin", "CPTS_CACHE_DIR": ""},
    )
    said = re.sub(r"\s+", " ", proc.stdout + proc.stderr)
    return proc.returncode, said, time.monotonic() - start


HOSTILE = [
    # (template, what the message says)
    ("{{ 'x' * 10**10 }}", "trop grand"),
    ("{{ [1] * 10**10 }}", "trop grand"),
    ("{{ 'x' * 9999999999 }}", "trop grand"),  # (a constant: folded when compiled, before)
    ("{{ 9**(9**9) }}", "nombre trop grand"),
    (
        "{% set ns = namespace(n=3) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}"
        "{% endfor %}{{ ns.n }}",
        "nombre trop grand",
    ),
    ("{{ 'x'|center(10**10) }}", "trop grand"),
    ("{{ 'x'|center(9999999999) }}", "trop grand"),
    ("{{ 'x'.ljust(10**10) }}", "trop grand"),
    ("{{ 'x'.zfill(10**10) }}", "trop grand"),
    ("{{ ('\t' * 1000).expandtabs(10**8) }}", "trop grand"),
    ("{{ ('a' * 1000).replace('a', 'b' * 10**6) }}", "trop grand"),
    ("{{ ('a' * 1000)|replace('a', 'b' * 10**6) }}", "trop grand"),
    ("{{ '%0999999999d' % 1 }}", "trop grand"),
    ("{{ '%*d' % (999999999, 1) }}", "trop grand"),
    ("{{ '{:>9999999999}'.format(1) }}", "trop grand"),
    ("{{ '{:>{w}}'.format(1, w=10**9) }}", "trop grand"),
    ("{{ '%0999999999d'|format(1) }}", "trop grand"),
    ("{{ range(10)|slice(10**9)|list }}", "trop grand"),
    ("{{ 'abc'|batch(10**10, 'x')|list }}", "trop grand"),
    ("{{ 'a\nb'|indent(10**9) }}", "trop grand"),
    ("{{ lipsum(10**9) }}", "trop grand"),
    ("{{ ('x' * 10**6).join(['a'] * 100) }}", "trop grand"),
    (
        "{% set ns = namespace(s='x' * 1000) %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        "trop grand",
    ),
    (
        "{% set ns = namespace(s='x' * 1000) %}{% for i in range(40) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
        "trop grand",
    ),
    (
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        "dépasse 10 millions de caractères",
    ),
    ("{{ '{0}'.format_map({}) }}", "champ « {0} »"),
    ("{{ '{0}'.format_map(1, 2) }}", "format_map() attend un seul dictionnaire"),
    ("{{ 10**5000 }}", "nombre trop grand"),
    ("{{ [1, 2][5] }}", "pas d'élément"),
    ("{{ {'a': 1}|dictsort(by='nope') }}", "erreur à l'exécution"),
    ("{{ 'a' + 1 }}", "utilisez « ~ »"),
    ("{{ [1] + 'a' }}", "opération impossible"),
    ("{{ 'abc'.index('z') }}", "valeur impossible"),
]


#: The child that renders every case of HOSTILE, one after the other, in one process.
_BATCH = """
import contextlib, io, json, shutil, sys, time
from pathlib import Path
from cpts_cli.cli.app import main
cases, example, root = json.loads(sys.stdin.read())
for i, source in enumerate(cases):
    folder = Path(root) / str(i)
    (folder / "modeles").mkdir(parents=True)
    shutil.copy(example, folder / "cpts.yaml")
    (folder / "modeles" / "presentation.md.j2").write_text(source + "\\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(["render", str(folder / "cpts.yaml"), "--templates", str(folder / "modeles"),
                  "--doc", "presentation", "--format", "md", "--out", str(folder / "sortie")])
            code = 0
        except SystemExit as exc:
            code = exc.code
    print(json.dumps([code, out.getvalue() + err.getvalue(), time.monotonic() - start,
                      (folder / "sortie" / "presentation.md").exists()]), flush=True)
"""


@pytest.fixture(scope="module")
def hostile_results(tmp_path_factory):
    """Every case of HOSTILE rendered by one child limited to 500 MB and 30 s in all."""
    import json

    root = tmp_path_factory.mktemp("hostile")
    proc = subprocess.run(
        [sys.executable, "-c", _BATCH],
        input=json.dumps(
            [[s for s, _ in HOSTILE], str(EXAMPLES / "sud-dijonnais.yaml"), str(root)]
        ),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
        preexec_fn=_limit,
        env={"NO_COLOR": "1", "COLUMNS": "200", "PATH": "/usr/bin:/bin", "CPTS_CACHE_DIR": ""},
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("[")]
    assert len(lines) == len(HOSTILE), proc.stdout[-2000:] + proc.stderr[-2000:]
    return dict(zip([s for s, _ in HOSTILE], lines, strict=True))


@pytest.mark.parametrize(("source", "said"), HOSTILE)
def test_hostile_template_is_bounded_and_french(hostile_results, source, said):
    code, out, seconds, written = hostile_results[source]
    out = re.sub(r"\s+", " ", out)
    assert code == 2, out
    assert said in out, out
    assert "Erreur interne" not in out and "Traceback" not in out
    assert "presentation.md.j2" in out
    # Nothing English from Python or Jinja.
    for english in (
        "out of range",
        "Exceeds the limit",
        "takes exactly",
        "unsupported operand",
        "message de Python",
        "message de Jinja",
    ):
        assert english not in out, out
    assert not written
    assert seconds < 10


def test_endless_loops_stop_at_the_time_limit(tmp_path):
    from cpts_cli.documents.template_limits import MAX_SECONDS

    code, out, seconds = render_template(
        tmp_path,
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    )
    assert code == 2, out
    assert f"dépasse {MAX_SECONDS:g} secondes" in out, out
    assert MAX_SECONDS <= seconds < 30


def test_limits_leave_an_ordinary_template_alone(tmp_path):
    source = (
        "{% for i in range(1000) %}{{ i }} {{ '-' * 10 }}{{ 'a' ~ i }}{% endfor %}\n"
        "{{ '%05d' % 42 }} {{ '{:>6}'.format('x') }} {{ 'x'|center(9) }} {{ 2**64 }}\n"
        "{{ ([1, 2] + [3])|join(',') }} {{ 'a.b'.replace('.', '-') }} {{ lipsum(1)|length > 0 }}"
    )
    code, out, _seconds = render_template(tmp_path, source)
    assert code == 0, out
    text = (tmp_path / "sortie" / "presentation.md").read_text(encoding="utf-8")
    assert "----------a999" in text
    assert "00042" in text and "18446744073709551616" in text
    assert "1,2,3" in text and "a-b" in text


def test_time_is_shared_by_the_documents_of_a_project(monkeypatch):
    """The limit is for one project's templates together, not for each document."""
    from cpts_cli.documents import template_limits
    from cpts_cli.documents.environment import make_environment

    monkeypatch.setattr(template_limits, "MAX_SECONDS", 0.3)
    env = make_environment(None)
    template = env.from_string("{% for i in range(100000) %}{% endfor %}")
    spent = 0.0
    with pytest.raises(template_limits.TemplateLimit):
        while spent < 5:
            start = time.monotonic()
            env.render_bounded(template, {})
            spent += time.monotonic() - start
    assert spent < 1


_TEXT = st.text(alphabet="ab\t\n.-", max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    text=_TEXT,
    method=st.sampled_from(["center", "ljust", "rjust", "zfill", "expandtabs", "replace"]),
    n=st.integers(min_value=0, max_value=60),
    old=st.sampled_from(["", "a", "\t", "ab"]),
    new=_TEXT,
)
def test_size_foreseen_is_never_below_the_size_made(text, method, n, old, new):
    """What the limits foresee for a text method is at least what it makes: a text over
    the limit is always refused before it is made."""
    from cpts_cli.documents.template_limits import _method_size

    args = (old, new) if method == "replace" else (n,)
    made = getattr(text, method)(*args)
    assert _method_size(text, method, args, {}) >= len(made)


@settings(max_examples=200, deadline=None)
@given(
    source=st.lists(
        st.sampled_from(
            [
                "{{ 'ab' * n }}",
                "{{ 'x'|center(n) }}",
                "{{ '%0*d' % (n, 1) }}",
                "{{ ('a' ~ 'b' * n)|length }}",
                "{{ ([0] * n)|length }}",
            ]
        ),
        min_size=1,
        max_size=4,
    ),
    n=st.integers(min_value=-5, max_value=40),
)
def test_small_operations_render_as_plain_jinja(source, n):
    """Under the limits, a template gives what Jinja's own sandbox gives."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from cpts_cli.documents.environment import make_environment

    text = "".join(source)
    env = make_environment(None)
    plain = ImmutableSandboxedEnvironment(finalize=env.finalize).from_string(text)
    assert env.render_bounded(env.from_string(text), {"n": n}) == plain.render(n=n)


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("{% %}", "nom de balise attendu"),
        ("{% block a %}{% endblock %}{% block a %}{% endblock %}", "défini deux fois"),
        ("{{ cpts. }}", "un nom ou un nombre attendu après le point"),
        ("{% for loop in [1] %}{% endfor %}", "« loop » est réservé aux boucles"),
        ("{% macro m(a=1, b) %}{% endmacro %}", "paramètre sans valeur par défaut"),
        ("{% block a-b %}{% endblock %}", "nom de bloc sans tiret"),
        ("{{ 1 is number is odd }}", "un seul « is » par test"),
        ("{% set 1 = 2 %}", "on ne peut donner une valeur qu'à un nom"),
    ],
)
def test_jinja_syntax_errors_are_french(example, tmp_path, cli, source, said):
    mine = tmp_path / "modeles"
    mine.mkdir()
    (mine / "presentation.md.j2").write_text(source + "\n", encoding="utf-8")
    result = cli("render", example, "--templates", mine, "--doc", "presentation")
    assert result.code == 2, result
    err = re.sub(r"\s+", " ", result.err)
    assert "ligne 1 : erreur de syntaxe" in err and said in err, err
    assert "Jinja" not in err and "Erreur interne" not in err


def test_an_unknown_error_is_french_and_its_words_kept_for_debug(monkeypatch):
    """An error with no French words here says only its kind; ``--debug`` adds the
    original, for a bug report (never shown otherwise)."""
    from jinja2 import TemplateSyntaxError

    from cpts_cli.documents.template_errors import describe
    from cpts_cli.support import debug

    syntax = TemplateSyntaxError("some new wording of Jinja", 3)
    runtime = LookupError("obscure failure")
    monkeypatch.setattr(debug, "_enabled", False)
    assert describe(syntax) == "erreur de syntaxe"
    assert describe(runtime) == "erreur à l'exécution : erreur inattendue (LookupError)"
    monkeypatch.setattr(debug, "_enabled", True)
    assert describe(syntax) == (
        "erreur de syntaxe (détail technique : TemplateSyntaxError : some new wording of Jinja)"
    )
    assert describe(runtime).endswith("(détail technique : LookupError : obscure failure)")
