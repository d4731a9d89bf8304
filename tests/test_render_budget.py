"""The projet de santé's budget (issue 13, point 5): its income (the ACI's payments computed
from the contract or the grid, the other funders with their status), its expenses, both with
totals, and one sentence that says whether it balances — a sum a reviewer checks by hand."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from cpts_cli.funding.budget import balance

from .conftest import EXAMPLES, run_cli
from .test_render import rendered  # noqa: F401 - the module's fixture
from .test_render_support import open_docx

SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})
COUNTING = (
    "Le total des recettes compte le fonctionnement et les parts fixes de l'ACI, et les "
    "recettes acquises ou demandées. Il ne compte pas les parts variables de l'ACI, versées "
    "selon les résultats, ni les recettes seulement envisagées."
)


def _example(tmp_path, edit=None):
    """The worked example, changed by ``edit(data)``, written as ``cpts.yaml``."""
    yaml = YAML()
    data = yaml.load((EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8"))
    if edit:
        edit(data["projet_sante"])
    path = tmp_path / "cpts.yaml"
    with path.open("w", encoding="utf-8") as f:
        yaml.dump(data, f)
    return path


def _budget_md(path, *draft) -> str:
    out = path.parent / "md"
    result = run_cli(["render", path, "--format", "md", "--out", out, *draft])
    assert result.code == 0, result
    name = "projet-sante-brouillon.md" if draft else "projet-sante.md"
    if draft and not (out / name).exists():
        name = next(p.name for p in out.glob("projet-sante*.md"))
    text = (out / name).read_text(encoding="utf-8").translate(SPACES)
    return text[text.index("# Le budget prévisionnel") : text.index("# Annexes")]


def _rows(section: str, heading: str) -> list[list[str]]:
    """The body rows of the table under ``## heading`` (header and rule left out)."""
    part = section[section.index(f"## {heading}") :].split("\n\n## ")[0]
    lines = [line for line in part.splitlines() if line.startswith("|")]
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in lines[2:]]


def _euros(cell: str) -> int:
    return int(re.sub(r"[^\d]", "", cell))


def _findings(path, code):
    report = run_cli(["validate", path, "--format", "json"]).json()
    return [f for f in report["fichiers"][0]["constats"] if f["code"] == code]


def test_the_worked_example_balances_and_its_sums_check_by_hand(tmp_path):
    section = _budget_md(_example(tmp_path))
    income = _rows(section, "Les recettes")
    # The projet (20 November 2023) predates the contract (20 June 2024): it does not cite it.
    assert income[0] == ["ACI, fonctionnement", "75 000 €", "montant de l'accord pour cette taille"]
    assert [
        "ACI, part fixe de la mission « Accès aux soins (médecin traitant et soins non "
        "programmés) »",
        "90 000 €",
        "montant de l'accord pour cette taille",
    ] in income
    assert [
        "ACI, parts variables des missions, hors crises sanitaires",
        "au plus 112 500 €",
        "selon les résultats, non comptées",
    ] in income
    assert [
        "Fonds d'intervention régional (FIR) de l'ARS Bourgogne-Franche-Comté — Campagnes de "
        "prévention (dépistage, vaccination), demande jointe au projet de santé",
        "15 000 €",
        "demandée",
    ] in income
    assert income[-2][1:] == ["5 000 €", "envisagée, non comptée"]
    assert income[-1][:2] == ["**Total des recettes comptées**", "**286 000 €**"]
    counted = [r for r in income[:-1] if "non compté" not in r[2]]
    assert sum(_euros(r[1]) for r in counted) == 286_000
    expenses = _rows(section, "Les dépenses")
    assert expenses[-1] == ["**Total des dépenses**", "**286 000 €**"]
    assert sum(_euros(r[1]) for r in expenses[:-1]) == 286_000
    assert COUNTING in section
    assert "Le budget est équilibré : 286 000 € de recettes pour 286 000 € de dépenses." in section
    assert "À COMPLÉTER" not in section


def test_a_deficit_is_said_with_what_could_cover_it_and_warned(tmp_path):
    def more_spending(ps):
        ps["budget"].append({"poste": "Véhicule de service", "montant": 12000})

    path = _example(tmp_path, more_spending)
    section = _budget_md(path)
    assert _rows(section, "Les dépenses")[-1] == ["**Total des dépenses**", "**298 000 €**"]
    assert (
        "Les dépenses dépassent les recettes comptées de 12 000 € : 298 000 € de dépenses pour "
        "286 000 € de recettes. L'écart reste à couvrir par les parts variables de l'ACI, selon "
        "les résultats (au plus 112 500 € par an), ou par les recettes envisagées (5 000 €)."
    ) in section
    (warning,) = _findings(path, "CPTS-H018")
    assert warning["gravite"] == "avertissement"
    assert "dépassent de 12 000 €" in warning["message"].translate(SPACES)


def test_a_surplus_is_said(tmp_path):
    def asked(ps):
        ps["recettes"][2]["statut"] = "demande"

    path = _example(tmp_path, asked)
    section = _budget_md(path)
    assert _rows(section, "Les recettes")[-1][1] == "**291 000 €**"
    assert (
        "Les recettes comptées dépassent les dépenses de 5 000 € : 291 000 € de recettes pour "
        "286 000 € de dépenses."
    ) in section
    assert _findings(path, "CPTS-H018") == []


def test_an_aci_line_typed_by_hand_is_left_out_and_warned(tmp_path):
    def typed(ps):
        ps["recettes"].append({"financeur": "ACI", "montant": 265000, "statut": "acquis"})

    path = _example(tmp_path, typed)
    section = _budget_md(path)
    assert "| ACI |" not in section and "265 000" not in section
    assert "Le budget est équilibré : 286 000 €" in section
    (warning,) = _findings(path, "CPTS-H019")
    assert warning["chemin"] == "/projet_sante/recettes/3"


def test_a_draft_marks_an_income_line_without_amount_and_does_not_balance(tmp_path):
    def no_amount(ps):
        del ps["recettes"][0]["montant"]

    path = _example(tmp_path, no_amount)
    assert [f["chemin"] for f in _findings(path, "CPTS-H017")] == ["/projet_sante/recettes/0"]
    section = _budget_md(path, "--brouillon")
    assert "À COMPLÉTER : montant" in section
    assert "équilibré" not in section and "dépassent" not in section


def test_without_other_funders_the_aci_alone_is_counted(tmp_path):
    def only_aci(ps):
        del ps["recettes"]
        ps["budget"].pop()

    section = _budget_md(_example(tmp_path, only_aci))
    assert _rows(section, "Les recettes")[-1][1] == "**265 000 €**"
    assert "Le budget est équilibré : 265 000 € de recettes pour 265 000 € de dépenses." in section


def test_the_docx_shows_both_tables_and_the_sentence(rendered):  # noqa: F811
    doc = open_docx(rendered / "projet-sante.docx")
    tables = {t.rows[0].cells[0].text: t for t in doc.tables}
    income, expenses = tables["Financeur"], tables["Poste de dépense"]
    assert [c.text for c in income.rows[0].cells] == ["Financeur", "Montant annuel", "Statut"]
    last = [c.text.translate(SPACES) for c in income.rows[-1].cells]
    assert last[:2] == ["Total des recettes comptées", "286 000 €"]
    assert expenses.rows[-1].cells[1].text.translate(SPACES) == "286 000 €"
    texts = [p.text.translate(SPACES) for p in doc.paragraphs]
    assert "Le budget est équilibré : 286 000 € de recettes pour 286 000 € de dépenses." in texts


# --------------------------------------------------------------------------- the computation

FUNDING = {
    "taille": {"taille": 3},
    "fonctionnement": {"valeur": 75000, "statut": "contrat", "source": "contrat"},
    "missions": [
        {"libelle": "Accès", "fixe": {"valeur": 90000}, "variable_conditionnelle": False},
        {"libelle": "Crises", "fixe": {"valeur": 22500}, "variable_conditionnelle": True},
    ],
    "totaux": {"variable_maximum": {"valeur": 35000}, "variable_crise": {"valeur": 67500}},
}


def test_an_aci_amount_not_published_leaves_the_balance_open():
    funding = {**FUNDING, "missions": [{**FUNDING["missions"][0], "fixe": {"valeur": None}}]}
    result = balance({"budget": [{"poste": "x", "montant": 100}]}, funding)
    assert result.inconnues == ["part fixe de la mission « Accès »"]
    assert result.solde is None and result.recettes_comptees == 75000


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 10**6), max_size=5),
    st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from(["acquis", "demande", "envisage"])),
        max_size=5,
    ),
)
def test_the_balance_is_counted_income_minus_expenses(expenses, income):
    sheet = {
        "budget": [{"poste": "p", "montant": e} for e in expenses],
        "recettes": [{"financeur": "FIR", "montant": m, "statut": s} for m, s in income],
    }
    result = balance(sheet, FUNDING)
    counted = 75000 + 90000 + 22500 + sum(m for m, s in income if s != "envisage")
    assert result.recettes_comptees == counted
    assert result.envisagees == sum(m for m, s in income if s == "envisage")
    if expenses:
        assert result.solde == counted - sum(expenses)
        assert result.ecart == abs(result.solde)
    else:
        assert result.solde is None
    assert [a.comptee for a in result.aci] == [True, True, True, False, False]


# --------------------------------------------------------------------------- cpts fill


def test_fill_asks_for_what_an_income_line_lacks(tmp_path):
    from cpts_cli.fill import fill
    from cpts_cli.project.load import read_path

    from .conftest import TODAY
    from .test_fill import Auto

    def incomplete(ps):
        del ps["recettes"][0]["montant"]
        del ps["recettes"][1]["statut"]

    asker = Auto()
    result = fill(read_path(_example(tmp_path, incomplete)), asker, "projet_sante", today=TODAY)
    assert [q for q in asker.asked if q in ("Montant (€)", "Statut")] == ["Montant (€)", "Statut"]
    assert result.complete
    recettes = read_path(tmp_path / "cpts.yaml").plain["projet_sante"]["recettes"]
    assert recettes[0]["montant"] == 12 and recettes[1]["statut"] == "acquis"


def test_fill_offers_an_income_line_when_the_budget_is_in_deficit(tmp_path):
    from cpts_cli.fill import fill
    from cpts_cli.project.load import read_path

    from .conftest import TODAY
    from .test_fill import Auto

    def more_spending(ps):
        ps["budget"].append({"poste": "Véhicule de service", "montant": 12000})

    asker = Auto()
    fill(read_path(_example(tmp_path, more_spending)), asker, "projet_sante", today=TODAY)
    # The list has lines already: the question offers another one, then asks what it is.
    assert asker.asked[:5] == [
        "Ajouter une autre recette ?",
        "Financeur",
        "Montant (€)",
        "Statut",
        "Précision",
    ]


def test_before_the_contract_unpublished_aci_amounts_leave_the_balance_open(tmp_path):
    """Without a contract, a fixed part the ACI data does not give is printed as such and the
    balance is not claimed (the grid's amounts are filled in elsewhere: the test blanks them)."""
    from cpts_cli.documents import RenderLog, _prepare, render_markdown
    from cpts_cli.documents.context.base import Source
    from cpts_cli.documents.context.health_project import _income
    from cpts_cli.documents.environment import make_environment
    from cpts_cli.project.load import read_path

    doc = read_path(_example(tmp_path))
    planned, context, today = _prepare(doc, ["projet-sante"], False, RenderLog())
    funding = context["financement"]
    for m in funding["missions"]:
        m["fixe"] = {**m["fixe"], "valeur": None, "statut": "non publié", "lectures": []}
    funding["contrat"] = None
    ps = context["projet_sante"]
    ps.update(_income(Source(doc.plain, today), doc.plain["projet_sante"], funding))
    text = render_markdown(make_environment(None), context, planned[0], today).translate(SPACES)
    section = text[text.index("# Le budget prévisionnel") : text.index("# Annexes")]
    row = "| ACI, part fixe de la mission « Parcours pluriprofessionnels autour du patient » |"
    assert f"{row} à préciser | à fixer par le contrat |" in section
    assert "| **Total des recettes comptées** | **96 000 €** hors montants à préciser |" in section
    assert (
        "L'équilibre ne peut pas encore être établi : 5 montants de l'ACI restent à préciser "
        "jusqu'à la signature du contrat. Sans eux, les recettes comptées sont de 96 000 € pour "
        "286 000 € de dépenses."
    ) in section
    assert "équilibré" not in section and "dépassent" not in section


def test_a_projet_written_after_the_contract_cites_it(tmp_path):
    """A revised projet de santé (dated after the signature) gives the contract's amounts as
    the contract's, and the contract's deadlines; the first version (2023) does not."""
    import datetime as dt

    section = _budget_md(_example(tmp_path, lambda ps: ps.update(date=dt.date(2025, 1, 15))))
    income = _rows(section, "Les recettes")
    assert income[0] == ["ACI, fonctionnement", "75 000 €", "contrat signé le 20 juin 2024"]
    assert "telles que les fixe le contrat signé le 20 juin 2024" in section
    text = (tmp_path / "md" / "projet-sante.md").read_text(encoding="utf-8")
    assert "Avec un contrat signé le 20 juin 2024, les échéances maximales" in text.replace(
        "\u00a0", " "
    )
