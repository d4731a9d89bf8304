"""``cpts actors stats``: counts by profession, commune and mode, GP density; JSON = API."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_cli.actors import stats as actors
from cpts_cli.project.load import read_path


def test_stats_on_the_worked_example(example):
    result = actors.stats(example)
    assert result.total == 30
    professions = {c.code: c.effectif for c in result.professions}
    assert professions["medecin_generaliste"] == 7 and professions["infirmier"] == 6
    assert sum(professions.values()) == 30
    assert result.professions[0].libelle == "Médecin généraliste"  # most numerous first
    communes = {c.code: (c.libelle, c.effectif) for c in result.communes}
    assert communes["21292"] == ("Genlis", 6) and communes["21607"] == ("Seurre", 6)
    assert not any(c.hors_territoire for c in result.communes)
    assert sum(c.effectif for c in result.communes) == 30
    modes = {c.code: c.effectif for c in result.modes}
    assert set(modes) <= {"liberal", "salarie", "mixte", None} and sum(modes.values()) == 30
    assert modes["mixte"] == 1
    assert result.population == 86_751
    assert result.generalistes == 7
    assert result.generalistes_pour_10000 == round(7 * 10_000 / 86_751, 2) == 0.81
    assert "millésime 2023" in result.population_source
    assert len(result.communes_sans_acteur) == 75 - len(result.communes)


def test_json_equals_the_core_result(example, cli):
    result = cli("actors", "stats", example, "--format", "json")
    assert result.code == 0
    assert result.json() == actors.stats(example).to_dict()
    assert result.json() == actors.compute(read_path(example).plain, str(example)).to_dict()


def test_text_output(example, cli):
    result = cli("actors", "stats", example)
    assert result.code == 0
    for words in (
        "30 acteurs recensés",
        "Par profession",
        "Infirmier (y compris infirmier psychiatrique)",
        "Par commune d'exercice",
        "Genlis",
        "Par mode d'exercice",
        "Mixte (libéral et salarié)",
        "Médecins généralistes : 7, soit 0,8 pour 10 000 habitants (86 751 habitants",
    ):
        assert words.replace(" ", "") in result.out.replace(" ", "").replace("\u202f", ""), words


def test_outside_unknown_and_missing_values():
    plain = {
        "territoire": {"communes": ["21166"]},
        "mobilisation": {
            "acteurs": [
                {"nom": "A", "profession": "medecin_generaliste", "commune": "21166"},
                {"nom": "B", "profession": "medecin_generaliste", "commune": "75113"},
                {"nom": "C", "profession": "medecin_generaliste"},
                {"nom": "D", "profession": "pas_une_profession", "commune": "99999"},
                "pas un acteur",
            ]
        },
    }
    result = actors.compute(plain)
    assert result.total == 4
    assert {c.code: c.effectif for c in result.professions} == {"medecin_generaliste": 3, None: 1}
    outside = next(c for c in result.communes if c.code == "75113")
    assert outside.hors_territoire and outside.libelle == "Paris 13e Arrondissement"
    assert next(c for c in result.communes if c.code is None).effectif == 2  # none + unknown
    # the GP practising in Paris is not counted for this territory's density
    assert result.generalistes == 2
    assert {c.code: c.effectif for c in result.modes}[None] == 4


def test_no_territory_no_density(tmp_path, cli):
    path = tmp_path / "cpts.yaml"
    path.write_text(
        "format: 1\ncpts:\n  nom: X\nmobilisation:\n  acteurs:\n"
        "    - nom: A\n      profession: medecin_generaliste\n",
        encoding="utf-8",
    )
    result = actors.stats(path)
    assert result.generalistes == 1 and result.generalistes_pour_10000 is None
    out = cli("actors", "stats", path)
    assert out.code == 0 and "densité incalculable" in out.out
    assert cli("actors", "stats", tmp_path / "absent.yaml").code == 2


def test_documents_use_the_same_counts(example, cli, tmp_path):
    """One computation: the letter of intent quotes the counts of `cpts actors stats`."""
    stats = cli("actors", "stats", example, "--format", "json").json()
    out = tmp_path / "md"
    result = cli("render", example, "--doc", "lettre-intention", "--format", "md", "--out", out)
    assert result.code == 0, result
    text = (out / "lettre-intention.md").read_text()
    total = stats["acteurs"]
    professions = [p for p in stats["professions"] if p["code"]]
    assert f"{total} professionnels se sont déjà engagés" in text
    assert f"de {len(professions)} professions" in text
    from cpts_cli.checking.schema import vocabulary_extra

    # The document's words for each profession, in the plural when there are several.
    forms = vocabulary_extra("profession", "x-libelles-documents")
    for p in professions:
        one, several = forms[p["code"]]
        word = one if p["effectif"] < 2 else several
        assert f"{p['effectif']} {word[0].lower()}{word[1:]}" in text
    assert "7 médecins généralistes, 6 infirmiers" in text
    assert "(y compris" not in text and "autre que médecine générale" not in text


_ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=8),
    st.sampled_from(["liberal", "salarie", "medecin_generaliste", "21292", "69381", "99999"]),
    st.lists(st.sampled_from(["liberal", "21292"]), max_size=2),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), max_size=2),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.dictionaries(
                st.sampled_from(["nom", "profession", "commune", "mode_exercice", "rpps"]),
                _ANY_VALUE,
                max_size=5,
            ),
            _ANY_VALUE,
        ),
        max_size=6,
    )
)
def test_any_value_in_an_actor_is_counted_never_a_crash(entries):
    """A list, a mapping or a number where a text is expected (``mode_exercice: []``) is
    counted as "non renseigné", never an internal error; every actor is counted once."""
    plain = {"territoire": {"communes": ["21292", "21607"]}, "mobilisation": {"acteurs": entries}}
    result = actors.compute(plain)
    dicts = [e for e in entries if isinstance(e, dict)]
    assert result.total == len(dicts)
    for counts in (result.professions, result.communes, result.modes):
        assert sum(c.effectif for c in counts) == len(dicts)


def test_mode_given_as_a_list_is_reported_not_a_crash(example, cli):
    text = example.read_text(encoding="utf-8")
    example.write_text(text.replace("mode_exercice: liberal", "mode_exercice: []", 1))
    result = cli("actors", "stats", example)
    assert result.code == 0, result
    assert "Mode non renseigné" in result.out
    assert "Erreur interne" not in result.out + result.err
