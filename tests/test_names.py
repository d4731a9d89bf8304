"""A name wherever a code is asked (issue 14, point 2): `init --communes/--epci` and
`territory add/remove` take « Annecy » as well as 74010; an ambiguous or unknown name writes
nothing and exits 2 with the candidates or the nearest names."""

from __future__ import annotations

import hashlib

import pytest


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_territory_add_takes_a_name_and_says_what_it_understood(cli, example):
    result = cli("territory", "add", "-f", example, "Chambolle Musigny")
    assert result.code == 0, result
    assert "« Chambolle Musigny » : commune 21133 Chambolle-Musigny" in result.err
    assert '"21133"' in example.read_text(encoding="utf-8")


def test_territory_remove_takes_a_name(cli, example):
    line = '    - "21355"  # Longvic'
    assert line in example.read_text(encoding="utf-8").splitlines()
    result = cli("territory", "remove", "-f", example, "Longvic")
    assert result.code == 0, result
    assert line not in example.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Saint-Denis", "« Saint-Denis » désigne plusieurs lieux"),
        ("Zzyzzx", "« Zzyzzx » : aucune commune ni intercommunalité de ce nom"),
    ],
)
def test_an_ambiguous_or_unknown_name_writes_nothing(cli, example, name, said):
    before = _digest(example)
    result = cli("territory", "add", "-f", example, "21133", name)
    assert result.code == 2
    assert said in " ".join(result.err.split())
    assert _digest(example) == before


def test_an_ambiguous_name_lists_codes_departments_and_populations(cli, example):
    result = cli("territory", "add", "-f", example, "Saint-Denis")
    assert "commune 93066 Saint-Denis, 93, 149 077 habitants" in result.err.replace("\u202f", " ")
    assert "commune 97411 Saint-Denis, 974" in result.err


def test_a_typo_gives_the_nearest_name(cli, example):
    result = cli("territory", "add", "-f", example, "Chambolle Musignyy")
    assert result.code == 0, result  # one name at one typo: taken, and said
    assert "21133 Chambolle-Musigny" in result.err


def test_init_takes_names_separated_by_commas(cli, tmp_path):
    result = cli(
        "init", "lac", "--no-input", "--nom", "CPTS du Lac", "--communes", "Annecy, St Jorioz",
        cwd=tmp_path,
    )
    assert result.code == 0, result
    text = (tmp_path / "lac" / "cpts.yaml").read_text(encoding="utf-8")
    assert '"74010"' in text and '"74242"' in text
    assert "« St Jorioz » : commune 74242 Saint-Jorioz" in result.err


def test_init_with_an_epci_name(cli, tmp_path):
    result = cli(
        "init", "lyon", "--no-input", "--nom", "CPTS L", "--epci", "Grand Lyon", cwd=tmp_path
    )
    assert result.code == 0, result
    assert "200046977" in (tmp_path / "lyon" / "cpts.yaml").read_text(encoding="utf-8")


def test_init_with_an_unknown_name_creates_nothing(cli, tmp_path):
    result = cli(
        "init", "x", "--no-input", "--nom", "CPTS X", "--communes", "Zzyzzx", cwd=tmp_path
    )
    assert result.code == 2
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("given", "pieces"),
    [
        ("21166, 21355", ["21166", "21355"]),
        ("21166 21355", ["21166", "21355"]),
        ("Annecy, Saint Jorioz", ["Annecy", "Saint Jorioz"]),
        ("2A004;74010", ["2A004", "74010"]),
        (" , ", []),
    ],
)
def test_communes_are_split_on_commas_and_codes_on_spaces(given, pieces):
    from cpts_cli.cli.cmd_project import _split

    assert _split(given) == pieces


def test_what_the_user_typed_is_quoted_safely(cli, example):
    """A name with a terminal escape sequence was echoed raw; a 5 000-character one whole."""
    result = cli("territory", "add", "-f", example, "Ann\x1b[2Jecy")
    assert "\x1b" not in result.err and "Ann\\x1b[2Jecy" in result.err
    result = cli("territory", "add", "-f", example, "a" * 5000)
    assert result.code == 2 and "(5\u202f000 caractères)" in result.err and len(result.err) < 2000
