"""What the readers produce and how their rows become actors.

Both readers (the RPPS extraction, a sheet) turn each kept line into an ``Activity``: the raw
text of the fields ``cpts.yaml`` cares about, with the line number it came from.
``aggregate`` then deduplicates them (one professional may have several activities), maps
professions and modes of practice to the schema's vocabularies, and gives ``ImportedActor``
values ready to merge into ``mobilisation.acteurs``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from cpts_cli.actors.importing.codes import (
    A_COMMUNE,
    A_DUPLICATE,
    A_IDENTIFIER,
    A_MISSING_NAME,
    A_PROFESSION,
    A_VALUE,
)
from cpts_cli.checking.findings import Finding
from cpts_cli.referentiel import store

#: The keys of an actor in ``cpts.yaml`` that an import can fill, in the schema's order.
ACTOR_FIELDS = (
    "nom",
    "prenom",
    "profession",
    "mode_exercice",
    "commune",
    "rpps",
    "email",
    "telephone",
    "structure",
    "role",
)

RPPS_RE = re.compile(r"^[0-9]{11}$")


def norm(text: object) -> str:
    """Lowercase, no accents, punctuation → spaces (the store's own normaliser)."""
    return store.normalise(str(text)) if text is not None else ""


# --------------------------------------------------------------------------- activities


@dataclass
class Activity:
    """One line of the source: the fields we use, as text ("" when absent)."""

    line: int
    ident: str = ""  # Identifiant PP (RPPS or ADELI), or a sheet's RPPS column
    ident_type: str = ""  # Type d'identifiant PP: 8 = RPPS, 0 = ADELI
    nom: str = ""
    prenom: str = ""
    code_profession: str = ""
    profession: str = ""  # a label ("Infirmière", "IDE"…)
    savoir_faire: str = ""  # code (SM54) or label (Médecine générale)
    code_mode: str = ""  # L, S, B
    mode: str = ""  # a label (Libéral, salarié, mixte)
    commune: str = ""  # INSEE code once resolved by the reader, else "" (see commune_note)
    commune_text: str = ""  # what a sheet says: a code or a name
    code_postal: str = ""
    email: str = ""
    telephone: str = ""
    structure: str = ""
    role: str = ""
    #: Set by the reader: why the commune is missing or uncertain (French, for a finding).
    commune_note: str = ""

    #: The fields a reader takes as the source gives them.
    AS_GIVEN = (
        "ident_type", "nom", "prenom", "code_profession", "profession", "savoir_faire",
        "code_mode", "mode", "code_postal", "email", "telephone", "structure", "role",
    )  # fmt: skip

    @classmethod
    def read(cls, line: int, get, place, **fields: str) -> Activity:
        """The activity of one line: ``get(field)`` gives a field's text, ``place`` (with
        ``commune`` and ``note``) where it is; ``fields`` are what the reader decided."""
        given = {name: get(name) for name in cls.AS_GIVEN}
        given.update(commune=place.commune or "", commune_note=place.note)
        return cls(line=line, **{**given, **fields})


@dataclass
class ImportedActor:
    """One professional as the import sees it, keyed for the merge."""

    key: str  # "rpps:<11 digits>" or "nom:<normalised nom>|<normalised prénom>"
    values: dict[str, str]  # cpts.yaml keys (ACTOR_FIELDS) → value, only the known ones
    lines: list[int] = field(default_factory=list)

    @property
    def rpps(self) -> str | None:
        return self.values.get("rpps")

    @property
    def name_key(self) -> str:
        return name_key(self.values.get("nom"), self.values.get("prenom"))

    def label(self) -> str:
        return " ".join(v for v in (self.values.get("prenom"), self.values.get("nom")) if v)

    def to_dict(self) -> dict:
        return {k: self.values[k] for k in ACTOR_FIELDS if k in self.values}


def name_key(nom: object, prenom: object) -> str:
    return f"{norm(nom)}|{norm(prenom)}"


# --------------------------------------------------------------------------- vocabularies


@lru_cache(maxsize=1)
def _profession_node() -> dict:
    from cpts_cli.support.resources import schema

    return schema()["$defs"]["profession"]


@lru_cache(maxsize=1)
def rpps_profession_codes() -> dict[str, list[str]]:
    """RPPS ``Code profession`` → vocabulary values (``10`` gives both kinds of médecin)."""
    out: dict[str, list[str]] = {}
    for value, codes in _profession_node()["x-codes-rpps"].items():
        for code in codes:
            out.setdefault(code, []).append(value)
    return out


@lru_cache(maxsize=1)
def gp_savoir_faire() -> frozenset[str]:
    return frozenset(_profession_node()["x-savoir-faire-generaliste"])


_FEMININE = (("iennes", "ien"), ("ienne", "ien"), ("ieres", "ier"), ("iere", "ier"))
_FEMININE += (("euses", "eur"), ("euse", "eur"), ("trices", "teur"), ("trice", "teur"))

#: Names people write in sheets for a profession (normalised, masculine singular).
_PROFESSION_WORDS = {
    "medecin_generaliste": (
        "generaliste",
        "mg",
        "medecin traitant",
        "medecine generale",
        "medecin de famille",
        "docteur en medecine generale",
    ),
    "medecin_specialiste": ("specialiste",),
    "pharmacien": ("pharmacien d officine", "pharmacien titulaire", "pharmacie"),
    "infirmier": (
        "ide",
        "idel",
        "ipa",
        "infirmier diplome d etat",
        "infirmier liberal",
        "infirmier en pratique avancee",
        "infirmier psychiatrique",
        "infirmier asalee",
    ),
    "masseur_kinesitherapeute": ("kinesitherapeute", "kine", "mk", "masseur kine"),
    "sage_femme": ("sf", "maieuticien"),
    "chirurgien_dentiste": ("dentiste",),
    "pedicure_podologue": ("podologue", "pedicure"),
    "opticien_lunetier": ("opticien",),
    "technicien_laboratoire": ("technicien de laboratoire", "technicien de laboratoire medical"),
    "manipulateur_erm": (
        "manipulateur radio",
        "manipulateur en electroradiologie medicale",
        "manipulateur d electroradiologie medicale",
        "manipulateur electroradiologie medicale",
    ),
    "biologiste": ("biologiste medical",),
    "travailleur_social": (
        "assistant social",
        "assistante sociale",
        "assistant de service social",
        "assistante de service social",
        "educateur specialise",
    ),
    "coordinateur": ("coordinateur de cpts", "coordinateur cpts", "coordinateur msp"),
    "dieteticien": ("dieteticien nutritionniste",),
}


def _masculine(text: str) -> str:
    words = []
    for word in text.split():
        for fem, masc in _FEMININE:
            if word.endswith(fem) and len(word) > len(fem) + 1:
                word = word[: -len(fem)] + masc
                break
        else:
            if word.endswith("s") and len(word) > 3:
                word = word[:-1]
        words.append(word)
    return " ".join(words)


@lru_cache(maxsize=1)
def _profession_index() -> dict[str, str]:
    node = _profession_node()
    index: dict[str, str] = {}
    for value, label in zip(node["enum"], node.get("enumDescriptions", []), strict=False):
        index[_masculine(norm(value))] = value
        index[_masculine(norm(label))] = value
    for value, words in _PROFESSION_WORDS.items():
        for word in words:
            index[_masculine(word)] = value
    # The RPPS labels ("Masseur-Kinésithérapeute", "Chirurgien-Dentiste"…) normalise to the
    # vocabulary's own words; "Médecin" alone is decided by the savoir-faire.
    index.pop("medecin", None)
    return index


def profession_from_text(text: str, savoir_faire: str = "") -> tuple[str | None, bool]:
    """A profession written by a person (or an RPPS code) → (vocabulary value, certain).

    ``certain`` is False when "Médecin" alone was read as a général practitioner.
    """
    raw = text.strip()
    if not raw:
        return None, True
    if raw.isdigit():
        return profession_from_rpps(raw, savoir_faire), True
    key = _masculine(norm(raw))
    found = _profession_index().get(key)
    if found:
        if found == "medecin_specialiste" and _is_gp(savoir_faire):
            return "medecin_generaliste", True
        return found, True
    if key in ("medecin", "docteur", "dr", "medecin liberal"):
        if savoir_faire.strip():
            return ("medecin_generaliste" if _is_gp(savoir_faire) else "medecin_specialiste"), True
        return "medecin_generaliste", False
    return None, True


def _is_gp(savoir_faire: str) -> bool:
    value = savoir_faire.strip()
    if not value:
        return False
    if value.upper() in gp_savoir_faire():
        return True
    return "medecine generale" in norm(value) or norm(value) in ("mg", "generaliste")


def profession_from_rpps(code: str, savoir_faire: str = "") -> str | None:
    """RPPS ``Code profession`` (+ savoir-faire for médecins) → vocabulary value."""
    values = rpps_profession_codes().get(code.strip())
    if not values:
        return None
    if len(values) > 1:  # code 10: médecin
        return "medecin_generaliste" if _is_gp(savoir_faire) else "medecin_specialiste"
    return values[0]


_MODE_CODES = {"l": "liberal", "s": "salarie", "b": "", "m": "mixte"}


def mode_from_text(text: str) -> str | None:
    """``liberal`` / ``salarie`` / ``mixte``; "" for bénévole; None when not understood.

    Reads the RPPS codes (L, S, B) and what people write: « Libérale », « salariée »,
    « Mixte (libéral et salarié) », « libéral / salarié »…
    """
    words = norm(text).split()
    if not words:
        return None
    if len(words) == 1 and words[0] in _MODE_CODES:
        return _MODE_CODES[words[0]]
    liberal = any(w.startswith("lib") for w in words)
    salarie = any(w.startswith("salari") for w in words)
    if words[0] == "mixte" or (liberal and salarie):
        return "mixte"
    if liberal:
        return "liberal"
    if salarie:
        return "salarie"
    if words[0].startswith("benevol"):
        return ""
    return None


def combine_modes(modes: list[str]) -> str | None:
    kinds = {m for m in modes if m}
    if "mixte" in kinds or {"liberal", "salarie"} <= kinds:
        return "mixte"
    if kinds:
        return kinds.pop()
    return None


# --------------------------------------------------------------------------- values


def tidy_name(text: str) -> str:
    """``DUPONT-MARTIN`` → ``Dupont-Martin``; text already in mixed case is kept."""
    text = " ".join(text.split())
    if not text or text != text.upper() or not any(c.isalpha() for c in text):
        return text
    return re.sub(r"(^|[\s\-'’])(\w)", lambda m: m.group(1) + m.group(2).upper(), text.lower())


def tidy_phone(text: str) -> str:
    """A French 10-digit number in pairs (``0380512345`` → ``03 80 51 23 45``)."""
    digits = re.sub(r"[\s.\-/]", "", text)
    if len(digits) == 10 and digits.isdigit() and digits[0] == "0":
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return " ".join(text.split())


def from_national_id(national: str) -> str:
    """``Identification nationale PP`` → the identifier: ``8`` + RPPS gives the RPPS."""
    national = clean_code(national)
    return national[1:] if len(national) == 12 and national[0] == "8" else national


def clean_code(value: object) -> str:
    """A code read from a sheet cell: spaces removed; ``1053.0`` (a number cell) → ``1053``."""
    text = "".join(str(value).split())
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


# --------------------------------------------------------------------------- aggregation


@dataclass
class Aggregated:
    actors: list[ImportedActor]
    findings: list[Finding]


def aggregate(activities: list[Activity], *, source: str, per_activity: bool = False) -> Aggregated:
    """One ``ImportedActor`` per professional (same identifier, or same name without one).

    ``per_activity``: the source has one line per activity (the RPPS extraction), so several
    lines for one professional are expected and not reported.
    """
    findings: list[Finding] = []

    def add(code, line: int, column: int = 0, **values) -> None:
        findings.append(code.make("", line, column, file=source, **values))

    groups: dict[str, list[Activity]] = {}
    for act in activities:
        if not act.nom.strip():
            add(A_MISSING_NAME, act.line)
            continue
        ident = act.ident.strip()
        key = f"id:{ident}" if ident else "nom:" + name_key(act.nom, act.prenom)
        groups.setdefault(key, []).append(act)
    actors = [_one_actor(group, add, per_activity) for group in groups.values()]
    return Aggregated(_merge_same_keys(actors), findings)


def _one_actor(group: list[Activity], add, per_activity: bool) -> ImportedActor:
    """The actor of one professional's lines; what cannot be imported is reported by ``add``."""
    first = group[0]
    lines = [a.line for a in group]
    values: dict[str, str] = {"nom": tidy_name(first.nom)}
    if first.prenom.strip():
        values["prenom"] = tidy_name(first.prenom)
    who = " ".join(v for v in (values.get("prenom"), values["nom"]) if v)
    if len(group) > 1 and not per_activity:
        add(
            A_DUPLICATE,
            group[1].line,
            detail=f"{who} figure sur {len(group)} lignes ({_lines(lines)}) : importé "
            "une seule fois.",
        )
    for key, value in (
        ("profession", _group_profession(group, who, add)),
        ("mode_exercice", _group_mode(group, who, add)),
        ("commune", _commune(group)),
    ):
        if value:
            values[key] = value
    for act in group:
        if act.commune_note:
            add(A_COMMUNE, act.line, detail=act.commune_note)
    rpps = _rpps(group, who, add)
    if rpps:
        values["rpps"] = rpps
    values.update(_contact_fields(group, who, add))
    key = f"rpps:{rpps}" if rpps else "nom:" + name_key(values["nom"], values.get("prenom"))
    return ImportedActor(key, values, lines)


def _group_profession(group: list[Activity], who: str, add) -> str | None:
    profession, certain, note_line = _profession(group)
    if profession and not certain:
        add(
            A_PROFESSION,
            note_line,
            detail=f"« Médecin » pour {who} : importé comme médecin généraliste ; "
            "corrigez en medecin_specialiste s'il y a lieu.",
        )
    elif not profession:
        shown = next((a.profession or a.code_profession for a in group), "")
        add(
            A_PROFESSION,
            note_line,
            detail=f"Profession « {shown} » de {who} non reconnue : importé sans "
            "profession, choisissez-la dans la liste."
            if shown
            else f"Pas de profession pour {who} : importé sans profession.",
        )
    return profession


def _group_mode(group: list[Activity], who: str, add) -> str | None:
    modes: list[str] = []
    for act in group:
        text = act.code_mode or act.mode
        if not text.strip():
            continue
        mode = mode_from_text(text)
        if mode is None:
            add(
                A_VALUE,
                act.line,
                detail=f"Mode d'exercice « {text.strip()} » non reconnu pour {who} "
                "(libéral, salarié ou mixte) : non importé.",
            )
            continue
        modes.append(mode)
    return combine_modes(modes)


def _contact_fields(group: list[Activity], who: str, add) -> dict[str, str]:
    """E-mail, phone, structure and role: the first line that gives each."""
    values: dict[str, str] = {}
    for key in ("email", "telephone", "structure", "role"):
        text = next((getattr(a, key).strip() for a in group if getattr(a, key).strip()), "")
        if not text:
            continue
        if key == "email" and ("@" not in text or " " in text):
            add(
                A_VALUE,
                group[0].line,
                detail=f"Adresse électronique « {text} » de {who} invalide : non importée.",
            )
            continue
        values[key] = tidy_phone(text) if key == "telephone" else " ".join(text.split())
    return values


def _lines(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:5])
    return f"lignes {shown}" + (f"… ({len(lines)} en tout)" if len(lines) > 5 else "")


def _profession(group: list[Activity]) -> tuple[str | None, bool, int]:
    savoir_faire = " ".join(a.savoir_faire for a in group if a.savoir_faire.strip())
    for act in group:
        if act.code_profession.strip():
            found = profession_from_rpps(act.code_profession, _any_gp(group))
            if found:
                return found, True, act.line
        if act.profession.strip():
            found, certain = profession_from_text(act.profession, savoir_faire)
            if found:
                if found in ("medecin_generaliste", "medecin_specialiste") and _any_gp(group):
                    found = "medecin_generaliste"
                return found, certain, act.line
    for act in group:  # a sheet with only a "Spécialité" column ("Médecine générale", "IDE")
        if act.savoir_faire.strip() and not act.savoir_faire.strip().upper().startswith("SM"):
            found, certain = profession_from_text(act.savoir_faire)
            if found:
                return found, certain, act.line
    return None, True, group[0].line


def _any_gp(group: list[Activity]) -> str:
    """A savoir-faire that makes the médecin a GP if any activity carries one, else the first."""
    for act in group:
        if _is_gp(act.savoir_faire):
            return act.savoir_faire
    return next((a.savoir_faire for a in group if a.savoir_faire.strip()), "")


def _commune(group: list[Activity]) -> str | None:
    """The commune of practice: a libéral activity's first, else the first one known."""
    known = [a for a in group if a.commune]
    if not known:
        return None
    for act in known:
        if mode_from_text(act.code_mode or act.mode) == "liberal":
            return act.commune
    return known[0].commune


def _rpps(group: list[Activity], who: str, add) -> str | None:
    for act in group:
        ident = clean_code(act.ident) if act.ident.strip() else ""
        if not ident:
            continue
        if act.ident_type.strip() in ("", "8") and RPPS_RE.match(ident):
            return ident
        if act.ident_type.strip() == "0":
            return None  # an ADELI number: not an RPPS, nothing to say per line
        add(
            A_IDENTIFIER,
            act.line,
            detail=f"Numéro RPPS « {act.ident.strip()} » de {who} invalide (11 chiffres "
            "attendus) : importé sans numéro RPPS.",
        )
        return None
    return None


def _merge_same_keys(actors: list[ImportedActor]) -> list[ImportedActor]:
    """Two groups that end with the same key (a sheet row with the RPPS, another without)."""
    out: dict[str, ImportedActor] = {}
    for actor in actors:
        seen = out.get(actor.key)
        if seen is None:
            out[actor.key] = actor
            continue
        for k, v in actor.values.items():
            seen.values.setdefault(k, v)
        seen.lines.extend(actor.lines)
    return list(out.values())
