"""The map of the territory: the contour dataset, today's communes drawn from the 2018
contours, and ``cpts territory carte`` as a user runs it."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpts_cli.territory import carte, contours

from .conftest import ROOT
from .test_territory_cli import write_project

PNG = b"\x89PNG\r\n\x1a\n"


def degrees(ring) -> tuple[float, float, float, float]:
    xs, ys = ring
    u = contours.UNITS_PER_DEGREE
    return xs.min() / u, ys.min() / u, xs.max() / u, ys.max() / u


# --------------------------------------------------------------------------- the dataset


def test_a_known_commune_has_its_contour_where_it_is():
    rings = contours.contour("21231")  # Dijon
    assert rings
    x0, y0, x1, y1 = degrees(rings[0])
    assert 4.9 < x0 < x1 < 5.2 and 47.2 < y0 < y1 < 47.4
    xs, ys = rings[0]
    assert (xs[0], ys[0]) == (xs[-1], ys[-1])  # a closed ring


def test_a_commune_nouvelle_since_2018_is_drawn_from_its_old_communes():
    # Neuilly-Crimolois (2019) = Neuilly-lès-Dijon (21452) + Crimolois (21213).
    assert contours.parts_2018("21452") == ["21213", "21452"]
    dijon = contours.department("21")
    assert len(contours.contour("21452")) == len(dijon.communes["21213"]) + len(
        dijon.communes["21452"]
    )
    selection = contours.select(["21452"])
    assert selection.shapes == {"21452": ["21213", "21452"]}
    assert any("Neuilly-Crimolois" in note for note in selection.notes)


def test_an_old_code_is_drawn_as_todays_commune():
    # Faverges-Seythenex (74123) took in Seythenex (74270) in 2016.
    selection = contours.select(["74270"])
    assert selection.shapes == {"74123": ["74123"]}
    assert not selection.missing


def test_an_arrondissement_is_drawn_as_its_whole_city_and_said():
    selection = contours.select(["75104", "75105"])
    assert selection.shapes == {"75056": ["75056"]}
    assert selection.cities == {"75056": ["75104", "75105"]}
    assert any("Paris est dessinée entière" in note for note in selection.notes)
    # The whole city listed: nothing to say about arrondissements.
    assert not contours.select(["13055"]).notes


def test_collectivites_d_outre_mer_have_no_contour_and_say_so():
    selection = contours.select(["98735", "97411"])
    assert selection.missing == ["98735"]
    assert list(selection.shapes) == ["97411"]
    assert any(
        "collectivités d’outre-mer" in note and "Papeete" in note for note in selection.notes
    )


def test_overseas_departments_are_frames_of_their_own():
    assert contours.frame_of("974") == "974"
    assert contours.frame_of("2A") == contours.frame_of("21") == "metropole"
    assert set(contours.department_codes()) >= {"01", "2A", "2B", "75", "971", "976"}


def test_the_dataset_is_small_and_loads_only_what_is_asked():
    path = Path(str(contours.data_path()))
    assert path.stat().st_size <= 8 * 1024 * 1024
    data = contours._Dataset()
    data.department("74")
    assert list(data.departments) == ["74"]


def test_department_outline_is_stored():
    outline = contours.department("90").outline  # Territoire de Belfort
    assert outline and all(len(xs) >= 3 for xs, _ys in outline)


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_contours", ROOT / "scripts" / "build_contours.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_contours", module)
    spec.loader.exec_module(module)
    return module


def _feature(code: str, ring: list[list[float]]) -> dict:
    return {"type": "Feature", "properties": {"code": code, "nom": code},
            "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}}  # fmt: skip


def test_build_script_keeps_shared_borders_and_is_deterministic(tmp_path):
    """Two 0.1° squares side by side; their common side has wiggles of 8 m (simplified
    away) and is walked one way by a square, the other way by the other."""
    build = _build_script()
    side = [[5.1 + (0.0001 if k % 2 else 0), 45.0 + k * 0.01] for k in range(11)]  # going up
    left = [[5.0, 45.0], *side, [5.0, 45.1]]
    right = [[5.2, 45.0], [5.2, 45.1], *reversed(side)]
    folder = tmp_path / "departements" / "99-essai"
    folder.mkdir(parents=True)
    collection = {"type": "FeatureCollection",
                  "features": [_feature("99001", left), _feature("99002", right)]}  # fmt: skip
    (folder / "communes-99-essai.geojson").write_text(json.dumps(collection), encoding="utf-8")
    out1, out2 = tmp_path / "a.bin", tmp_path / "b.bin"
    build.main([str(tmp_path), "--output", str(out1)])
    build.main([str(tmp_path), "--output", str(out2)])
    assert out1.read_bytes() == out2.read_bytes()
    department = contours._Dataset(out1).department("99")
    a, b = department.communes["99001"][0], department.communes["99002"][0]
    points_a = set(zip(a[0].tolist(), a[1].tolist(), strict=True))
    points_b = set(zip(b[0].tolist(), b[1].tolist(), strict=True))
    # Each square is its four corners; the common side is the same for both.
    assert len(points_a) == len(points_b) == 4
    assert points_a & points_b == {(51000, 450000), (51000, 451000)}
    assert len(department.outline) == 1  # the outline of the two squares together
    xs, ys = department.outline[0]
    assert len(xs) == 7 and (xs[0], ys[0]) == (xs[-1], ys[-1])


# --------------------------------------------------------------------------- drawing


def test_the_map_is_deterministic_and_cached(monkeypatch):
    codes = ["74010", "74123", "74242"]
    first = carte.image(codes, [(6.13, 45.9, "MSP")], fmt="png")
    assert first.data.startswith(PNG)
    assert first.legende.startswith(contours.CAPTION)
    assert carte.draw(carte.request(codes, [(6.13, 45.9, "MSP")])) == first.data

    def no_drawing(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(carte, "draw", no_drawing)
    again = carte.image(codes, [(6.13, 45.9, "MSP")], fmt="png")
    assert again == first


def test_structure_points_are_taken_where_they_have_coordinates():
    structures = [
        {"nom": "MSP", "longitude": 5.04, "latitude": 47.3},
        {"nom": "CH", "coordonnees": {"longitude": 5.0, "latitude": 47.2}},
        {"nom": "Sans"},
        {"nom": "Faux", "longitude": True, "latitude": 47.0},
        "texte",
    ]
    assert carte.structure_points(structures) == [(5.04, 47.3, "MSP"), (5.0, 47.2, "CH")]
    assert carte.structure_points(None) == []


def _communes_of(dep: str) -> list[str]:
    from cpts_cli.referentiel import store

    codes = sorted({contours.today_code(c) for c in contours.department(dep).communes} - {None})
    for city in ("75056", "13055", "69123"):
        if city in codes:
            codes += [a.code for a in store.arrondissements(city)]
    return codes


DEPARTMENTS = ["90", "2A", "974", "75", "13", "973", "74"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_subset_of_a_department_draws(data):
    dep = data.draw(st.sampled_from(DEPARTMENTS))
    codes = data.draw(st.lists(st.sampled_from(_communes_of(dep)), min_size=1, max_size=12))
    fmt = data.draw(st.sampled_from(["png", "svg"]))
    picture = carte.draw(carte.request(codes), fmt)
    assert picture.startswith(PNG) if fmt == "png" else b"<path" in picture


# --------------------------------------------------------------------------- the command


def test_carte_writes_a_png_beside_the_project(cli, example):
    result = cli("territory", "carte", "-f", example)
    assert result.code == 0, result.err
    written = example.parent / "carte-territoire.png"
    assert written.read_bytes().startswith(PNG)
    assert "carte-territoire.png" in result.out and "75 communes" in result.out
    assert not [p for p in example.parent.iterdir() if p.suffix == ".tmp"]


def test_carte_writes_an_svg(cli, example):
    target = example.parent / "sortie" / "carte.svg"
    target.parent.mkdir()
    result = cli("territory", "carte", "--fichier", example, "--sortie", target, "--format", "json")
    assert result.code == 0, result.err
    svg = target.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<path" in svg
    said = result.json()
    assert said["format"] == "svg" and said["communes"] == 75
    assert said["legende"].startswith("Source : IGN — Admin Express COG 2018")


@pytest.mark.parametrize("name", ["carte.jpg", "carte", "carte.PNG.txt"])
def test_carte_refuses_another_extension(cli, example, name):
    target = example.parent / name
    result = cli("territory", "carte", "-f", example, "--sortie", target)
    assert result.code == 2
    assert "n’est pas un format de carte" in result.err and ".png" in result.err
    assert not target.exists()


def test_carte_of_a_project_without_commune_says_so(cli, tmp_path):
    path = write_project(tmp_path / "cpts.yaml", "CPTS Vide")
    result = cli("territory", "carte", "-f", path)
    assert result.code == 2
    assert "aucune commune" in result.err
    assert not (tmp_path / "carte-territoire.png").exists()


def test_carte_of_paris_says_the_city_is_whole(cli, tmp_path):
    path = write_project(tmp_path / "cpts.yaml", "CPTS Paris Centre", ["75104", "75105", "75106"])
    result = cli("territory", "carte", "-f", path)
    assert result.code == 0, result.err
    assert "Paris est dessinée entière" in result.out
    assert (tmp_path / "carte-territoire.png").read_bytes().startswith(PNG)


def test_a_territory_without_any_contour_still_gets_a_picture_that_says_so(cli, tmp_path):
    path = write_project(tmp_path / "cpts.yaml", "CPTS de Papeete", ["98735"])
    result = cli("territory", "carte", "-f", path, "--format", "json")
    assert result.code == 0, result.err
    said = result.json()
    assert said["sans_contour"] == ["98735"]
    assert "collectivités d’outre-mer" in said["legende"]
    assert (tmp_path / "carte-territoire.png").read_bytes().startswith(PNG)


def test_the_map_writes_names_the_french_way(tmp_path, cli):
    """« CPTS du Lac d'Annecy » was drawn with a straight apostrophe in the map's title."""
    assert cli("init", "--no-input", "--nom", "CPTS du Lac d'Annecy", "--communes", "74010",
               tmp_path).code == 0  # fmt: skip
    out = tmp_path / "carte.svg"
    result = cli("territory", "carte", "-f", tmp_path / "cpts.yaml", "--sortie", out)
    assert result.code == 0, result
    svg = out.read_text(encoding="utf-8")
    assert "Lac d’Annecy" in svg and "Lac d'Annecy" not in svg
