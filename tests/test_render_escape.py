"""Whatever a user writes appears as written and cannot change a document's structure:
Markdown escaping, the sandboxed strict Jinja environment, and a property test feeding
random text into every free-text field of the worked example."""

from __future__ import annotations

import re
import shutil

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from .conftest import EXAMPLES
from .test_render_support import structure

HOSTILE = [
    "# titre",
    "## sous-titre",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "**x** _y_ *z* `code`",
    "[lien](http://exemple.fr) ![image](x.png)",
    "<b>gras</b> <!-- commentaire --> <script>alert(1)</script>",
    "{{ 7*7 }} {% if true %}oui{% endif %} {# note #}",
    "- puce\n- puce\n\n1. un\n2. deux",
    "> citation",
    "    code indenté",
    "```\nbloc\n```",
    "***\n---\n___",
    "Titre\n=====",
    "&amp; &lt;b&gt; &#65;",
    "1) premier",
    "\\ fin par une barre oblique \\",
    "a  \nb",
    "<mark>[À COMPLÉTER : faux]</mark>",
    "<!-- saut-de-page -->",
    "<!-- bloc:encadre -->",
    "Évry–Courcouronnes 😀 ½ «guillemets»",
    "x" * 300,
]


def _render(template: str, **values) -> str:
    from cpts_cli.documents.environment import make_environment

    env = make_environment()
    return env.from_string(template).render(**values)


def _tokens(markdown: str):
    from cpts_cli.documents.word import parser

    return parser().parse(markdown)


def _collapsed(text: str) -> str:
    return re.sub(r"[ \t\r\n\f\v\u2028\u2029\x85]+", " ", text)


@pytest.mark.parametrize("text", HOSTILE)
def test_printed_value_is_one_literal_paragraph(text):
    markdown = _render("Avant {{ x }} après\n", x=text)
    tokens = _tokens(markdown)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    children = tokens[1].children
    assert {c.type for c in children} <= {"text"}, [c.type for c in children]
    assert "".join(c.content for c in children) == f"Avant {_collapsed(text)} après"


@pytest.mark.parametrize("text", HOSTILE)
def test_value_in_a_table_cell_stays_in_its_cell(text):
    markdown = _render("| A | B |\n|---|---|\n| {{ x }} | fin |\n", x=text)
    tokens = _tokens(markdown)
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 2
    inline = [t for t in tokens if t.type == "inline"]
    assert inline[-1].content == "fin"
    assert "".join(c.content for c in inline[-2].children) == _collapsed(text).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_value_at_the_start_of_a_line_makes_no_block(text):
    markdown = _render("{{ x }}\n\n- {{ x }}\n", x=text)
    types = [t.type for t in _tokens(markdown)]
    assert types.count("paragraph_open") == 2
    assert "heading_open" not in types and "table_open" not in types
    assert "html_block" not in types and "code_block" not in types and "fence" not in types
    assert types.count("list_item_open") == 1


def test_paragraphs_filter_keeps_paragraph_breaks_only():
    markdown = _render("{{ x|paragraphes }}\n", x="Un # deux\n\n\n| trois |\n\n    quatre")
    tokens = _tokens(markdown)
    assert [t.type for t in tokens].count("paragraph_open") == 3
    assert ["".join(c.content for c in t.children) for t in tokens if t.type == "inline"] == [
        "Un # deux",
        "| trois |",
        "quatre",
    ]


def test_our_filters_and_macros_are_not_escaped_twice():
    template = (
        "{% macro m(v) %}**{{ v }}**{% endmacro %}"
        "{{ m('a*b') }} {{ 86751|nombre }} {{ 9.6|avec_unite('%') }} {{ 75000|euros }} "
        "{{ '2024-06-01'|date_fr }} {{ none|ou_a_completer('la date') }} "
        "{{ ['x*', 'y']|join(', ') }} {{ ['a', 'b', 'c']|liste_fr }}"
    )
    out = _render(template)
    assert out == (
        "**a\\*b** 86\u00a0751 9,6\u00a0% 75\u00a0000\u00a0€ 1er\u00a0juin\u00a02024 "
        "<mark>\\[À COMPLÉTER : la date\\]</mark> x\\*, y a, b et c"
    )


def test_undefined_variables_are_errors():
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        _render("{{ nope }}")
    with pytest.raises(UndefinedError):
        _render("{{ cpts.nope }}", cpts={"nom": "x"})


def test_templates_cannot_reach_python_internals():
    from jinja2.exceptions import SecurityError, UndefinedError

    for source in (
        "{{ x.__class__.__mro__ }}",
        "{{ ''.__class__.__base__.__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
    ):
        with pytest.raises((SecurityError, UndefinedError)):
            _render(source, x="a")
    # The context cannot be modified from a template.
    with pytest.raises(SecurityError):
        _render("{% set _ = l.append(1) %}", l=[])


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_escape_property(text):
    from cpts_cli.documents.sanitize import clean_text

    text = clean_text(text).replace("\x00", "")
    markdown = _render("Avant {{ x }} après\n", x=text)
    tokens = _tokens(markdown)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert "".join(c.content for c in tokens[1].children) == f"Avant {_collapsed(text)} après"


# ----------------------------------------------------------------------- whole documents

#: Free-text keys of the project file (identifiers, codes, enums and dates excluded).
FREE_TEXT = {
    "nom",
    "prenom",
    "justification",
    "methode",
    "libelle",
    "objet",
    "lieu",
    "retours",
    "description",
    "lien",
    "acteurs_a_associer",
    "fonction",
    "titre",
    "objectif",
    "pilote",
    "moyens",
    "instances",
    "coordinateur",
    "poste",
    "commentaire",
    "siege",
    "role",
    "participants",
    "etape",
    "actions",
    "partenaires",
    "preuves",
    "colleges",
    "unite",
    "source",
    "sans_reference",
    "besoins_identifies",
    "actions_proposees",
    "territoire_action",
    "engagements_professionnels",
    "travail_pluriprofessionnel",
    "concertations",
    "protocoles",
    "systeme_information",
    "activite_quotidienne",
    "evaluation",
    "acces_soins",
    "parcours",
    "prevention",
    "crises_sanitaires",
    "qualite_pertinence",
}
#: Keys that are free text elsewhere but a vocabulary value here.
NOT_TEXT = {("cpts", "association", "bureau", "fonction")}

_alphabet = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\x00",
)
user_text = (
    st.text(_alphabet, min_size=1, max_size=40)
    .map(lambda s: s.replace("\r", "\n"))
    .filter(lambda s: s.strip() and not re.search(r"\n[ \t]*\n", s))
    .filter(lambda s: re.search(r"[^\W_]", s))  # a letter or digit: text a user means
)
PIECES = st.sampled_from(HOSTILE[:16]).map(lambda s: re.sub(r"\n[ \t]*\n", "\n", s))


def _replace_texts(node, texts, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            if (path + (key,)) in NOT_TEXT:
                continue
            if key in FREE_TEXT and isinstance(value, str):
                node[key] = next(texts)
            elif (
                key in FREE_TEXT
                and isinstance(value, list)
                and all(isinstance(v, str) for v in value)
            ):
                node[key] = [next(texts) for _ in value]
            else:
                _replace_texts(value, texts, path + (key,))
    elif isinstance(node, list):
        for item in node:
            _replace_texts(item, texts, path)


def _render_docs(project, folder, docs):
    from ruamel.yaml import YAML

    from cpts_cli.documents import render_project

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cpts.yaml"
    # The YAML writer escapes what a file cannot hold raw (control characters…).
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(project, handle)
    render_project(path, list(docs), folder / "documents", "docx")
    return [folder / "documents" / f"{d}.docx" for d in docs]


@pytest.fixture(scope="module")
def reference_structures(tmp_path_factory):
    from cpts_cli.project.load import read_path

    folder = tmp_path_factory.mktemp("reference")
    shutil.copy(EXAMPLES / "sud-dijonnais.yaml", folder / "exemple.yaml")
    plain = read_path(folder / "exemple.yaml").plain
    paths = _render_docs(plain, folder, DOCS_UNDER_TEST)
    return plain, [structure(p) for p in paths]


DOCS_UNDER_TEST = ("lettre-intention", "projet-sante")


@settings(
    max_examples=6,
    deadline=None,
    # Each example renders two documents: no shrinking (the failing texts are printed).
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.one_of(user_text, PIECES), min_size=1, max_size=20))
# Found by the test: hundreds of « [ » in quoted texts were once taken for nesting.
@example(
    [
        "\x84\x06áë¨p'",
        "å{\U0005a551\U000add39Ø{O\U0006446f_",
        "```\nbloc\n```",
        '"\U000197d8[\U000c8c87t\n:\x11',
        "ç\x80𰸬^\x0bþ\x81d\x17\x93\U000f3f37N|T\x1c)·úÀ\x9c9",
    ]
)
def test_random_user_text_never_changes_the_structure(
    reference_structures, tmp_path_factory, texts
):
    """Every free-text field gets hostile text: headings, tables, lists and paragraphs of
    the letter and of the projet de santé stay exactly the same."""
    import copy
    import itertools

    plain, expected = reference_structures
    project = copy.deepcopy(plain)
    _replace_texts(project, itertools.cycle(texts))
    folder = tmp_path_factory.mktemp("hostile")
    paths = _render_docs(project, folder, DOCS_UNDER_TEST)
    for path, reference in zip(paths, expected, strict=True):
        assert structure(path) == reference, path.name


@pytest.mark.parametrize(
    "text,said",
    [
        ("Infirmier", "infirmier"),
        ("Rédiger une lettre d'intention à l'ARS", "rédiger une lettre d'intention à l'ARS"),
        ("ARS et CPAM ensemble", "ARS et CPAM ensemble"),
        ("MSP", "MSP"),
        ("À préciser", "à préciser"),
        ("« Avis » favorable", "« avis » favorable"),
        ("", ""),
    ],
)
def test_lower_first_keeps_acronyms(text, said):
    from cpts_cli.support.formatting import lower_first

    assert lower_first(text) == said


@pytest.mark.parametrize(
    "unit,value,said",
    [
        ("patients", 0, "patient"),
        ("patients", 1, "patient"),
        ("patients", 1.5, "patient"),
        ("patients", 2, "patients"),
        ("pour 1 000 habitants", 0, "pour 1 000 habitants"),
        ("%", 0, "%"),
        ("jours", None, "jours"),
        ("process", 1, "process"),
    ],
)
def test_a_unit_agrees_with_its_number(unit, value, said):
    from cpts_cli.support.formatting import unit_agreed

    assert unit_agreed(unit, value) == said


@pytest.mark.parametrize(
    "label,unit,said",
    [
        ("Places en EHPAD pour 1 000 personnes de 75 ans et plus", "pour 1 000 habitants de 75 ans et plus", True),
        ("Médecins pour 10\u00a0000 habitants", "pour 10 000 habitants", True),
        ("Passages aux urgences pour 1 000 habitants", "pour 10 000 habitants", False),
        ("Part des 75 ans et plus", "% de la population", False),
        ("Délai moyen (en jours)", "jours", True),
        ("Accessibilité potentielle localisée (APL)", "consultations par an et par habitant", False),
        ("Indicateur", "", False),
        (None, "jours", False),
    ],
)
def test_an_indicator_label_that_says_its_unit_is_not_followed_by_it(label, unit, said):
    """« Places en EHPAD pour 1 000 personnes… : 86 pour 1 000 habitants de 75 ans et plus »
    said the rate twice in the diagnostic."""
    from cpts_cli.support.formatting import label_says_unit

    assert label_says_unit(label, unit) is said


@pytest.mark.parametrize(
    "text,said",
    [
        (
            "Statut : validé ; voir « le projet » ! Oui ?",
            "Statut\u202f: validé\u202f; voir «\u202fle projet\u202f»\u202f! Oui\u202f?",
        ),
        ("l'ARS d'aujourd'hui", "l’ARS d’aujourd’hui"),
        ("30 patients et 9,6 % pour 75 000 €", "30\u00a0patients et 9,6\u00a0% pour 75 000\u00a0€"),
        ("Tél. 03 80 12 34 56", "Tél. 03\u00a080\u00a012\u00a034\u00a056"),
        ("http://x.fr/a:b à 10:30", "http://x.fr/a:b à 10:30"),
        ("En 2023 ARS", "En 2023 ARS"),
    ],
)
def test_french_typography(text, said):
    from cpts_cli.support.formatting import french_typography

    assert french_typography(text) == said


@given(st.text(alphabet=" '’«»:;!?0123456789abcéA€%.\u00a0\u202f", max_size=60))
@settings(max_examples=300, deadline=None)
def test_french_typography_changes_only_spaces_and_apostrophes(text):
    from cpts_cli.support.formatting import french_typography

    said = french_typography(text)
    assert french_typography(said) == said
    assert len(said) == len(text)
    for a, b in zip(text, said, strict=True):
        assert a == b or (a in " \u00a0" and b in "\u00a0\u202f") or (a == "'" and b == "’")


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Annecy", "d'Annecy"),
        ("Évry-Courcouronnes", "d'Évry-Courcouronnes"),
        ("Le Havre", "du Havre"),
        ("Les Ulis", "des Ulis"),
        ("La Rochelle", "de La Rochelle"),
        ("Chenôve, Longvic et Genlis", "de Chenôve, Longvic et Genlis"),
    ],
)
def test_de_before_a_place_name(name, said):
    """« réunies autour de Annecy » in the letter of a one-commune territory."""
    from cpts_cli.support.formatting import of_name

    assert of_name(name) == said


@pytest.mark.parametrize(
    ("label", "unit", "said"),
    [
        ("Taux d'évolution (2015-2021)", "% par an", "Taux d'évolution (2015-2021, % par an)"),
        ("Délai d'attente", "jours", "Délai d'attente (jours)"),
        ("Part (a) et (b", "%", "Part (a) et (b (%)"),
    ],
)
def test_an_indicator_label_gets_one_pair_of_parentheses(label, unit, said):
    """« (2015-2021) (% par an) » in the diagnostic's table."""
    from cpts_cli.support.formatting import label_and_unit

    assert label_and_unit(label, unit) == said


@pytest.mark.parametrize(
    ("value", "said"), [(-0.1, "\u22120,1"), (-12000, "\u221212\u00a0000"), (3, "3")]
)
def test_a_negative_number_takes_the_minus_sign(value, said):
    from cpts_cli.documents.environment import euros, number_fr

    assert number_fr(value) == said
    if isinstance(value, int):
        assert euros(value) == said + "\u00a0€"


def test_a_chart_label_takes_the_minus_sign():
    from cpts_cli.documents.charts import _fr

    assert _fr(-0.1) == "\u22120,1" and _fr(-1200) == "\u22121\u00a0200" and _fr(9.6) == "9,6"
