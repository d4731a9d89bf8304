"""ACI CPTS rules (versions, size tiers, missions, deadlines, amounts), read from ``aci.yaml``.

The rules live in data (``referentiel/aci.yaml``) so that a new avenant is a data change. Every
figure carries its value, status (``sûr``, ``presse``, ``exemple``, ``à vérifier``,
``non publié``), source and date: show them with the figure, never turn an ``à vérifier`` one
into a hard rule, and never invent a missing one (``valeur`` is ``None``: "non publié").

The amounts that bind a CPTS are those of its own signed contract. The per-mission amounts
(``montants_missions``) are those the press reported, with their source and status; the others
are fixed by the text but were found in no source (``valeur`` ``None``, ``à vérifier``). The one
real contract shipped is an example (``exemples_contrats``).

The file is parsed once, lazily (``ruamel.yaml``, safe loader), and versions are cached.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any, NamedTuple

from cpts_cli.support.formatting import thousands

__all__ = [
    "A_VERIFIER",
    "SOURCED",
    "EXEMPLE",
    "NON_PUBLIE",
    "PRESSE",
    "STATUTS",
    "SUR",
    "BORNE_INFERIEURE_INCLUSE",
    "BORNE_SUPERIEURE_INCLUSE",
    "AciDataError",
    "AciVersion",
    "ContractYear",
    "ExampleContract",
    "Figure",
    "Mission",
    "PaymentRule",
    "Payment",
    "Text",
    "Tier",
    "TierResult",
    "contract_years",
    "default_version",
    "load",
    "raw",
    "sources",
    "versions",
]

SUR = "sûr"
PRESSE = "presse"
EXEMPLE = "exemple"
A_VERIFIER = "à vérifier"
NON_PUBLIE = "non publié"
STATUTS: tuple[str, ...] = (SUR, PRESSE, EXEMPLE, A_VERIFIER, NON_PUBLIE)

SOCLE = "socle"
OPTIONNELLE = "optionnelle"

# Bound semantics for the size tiers (``tailles.borne`` in the data file).
BORNE_INFERIEURE_INCLUSE = "inferieure_incluse"  # min <= population < max
BORNE_SUPERIEURE_INCLUSE = "superieure_incluse"  # min < population <= max
_BORNES = (BORNE_INFERIEURE_INCLUSE, BORNE_SUPERIEURE_INCLUSE)

#: The parts of a mission amount: ``total`` is the fixed and variable parts together, when a
#: source gives only that.
_MISSION_PARTS = ("fixe", "variable", "total")
#: The statuses of a figure that may be held against a contract (not a draft or an example).
SOURCED = (SUR, PRESSE)


class AciDataError(ValueError):
    """The ACI data file is malformed (a packaging bug, not a user error)."""


# --------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure with its provenance. ``valeur`` is ``None`` when no figure is published, or
    when sources disagree (the candidate figures are then in ``lectures``)."""

    valeur: Any
    statut: str
    source: str
    date: str
    note: str | None = None
    lectures: tuple[Any, ...] = ()
    url: str | None = None  # address of the source, when it has one

    @property
    def confirmed(self) -> bool:
        """True for a figure from an official text or page (statut ``sûr``)."""
        return self.statut == SUR

    @property
    def published(self) -> bool:
        """False when there is no figure at all ("non publié")."""
        return self.valeur is not None or bool(self.lectures)


@dataclass(frozen=True)
class Text:
    """The legal text a version stands for."""

    titre: str
    signature: _dt.date
    publication: _dt.date
    reference: str
    modifie: str | None
    statut: str
    source: str


@dataclass(frozen=True)
class Mission:
    code: str
    libelle: str
    categorie: str  # "socle" | "optionnelle"
    depuis: str  # version code that introduced the mission
    demarrage_mois: Figure | None  # None: chosen by the CPTS (optional missions)
    deploiement_mois: Figure | None
    note_delais: str | None = None
    condition_part_variable: str | None = None  # e.g. crisis recognised by the ARS

    @property
    def socle(self) -> bool:
        return self.categorie == SOCLE


@dataclass(frozen=True)
class Tier:
    """A size tier: population from ``min`` to ``max`` (``max`` is ``None`` for the last one).
    Whether a population equal to ``max`` belongs here is ``max_inclus`` (a figure with its
    own status) or, when the data file does not say, ``AciVersion.borne``."""

    taille: int
    min: Figure
    max: Figure | None
    max_inclus: Figure | None = None  # valeur True: a population equal to max is this tier

    @property
    def bounds(self) -> tuple[int, int | None]:
        return self.min.valeur, (self.max.valeur if self.max is not None else None)


class TierResult(NamedTuple):
    taille: int
    near_bound: int | None  # the bound within the alert margin, if any
    bound_note: str | None  # French explanation to show when near_bound is set
    tier: Tier


@dataclass(frozen=True)
class PaymentRule:
    """How one envelope is paid (``quand``: signature_puis_anniversaire,
    demarrage_puis_anniversaire, apres_annee_contrat)."""

    code: str
    description: str
    quand: str
    premier_versement: Figure | None  # share paid first (1.0 = in full)
    prorata: bool  # first payment prorated to the next anniversary
    avance_anniversaire: Figure | None  # advance share paid at each anniversary
    condition: str | None


@dataclass(frozen=True)
class Payment:
    annee_budgetaire: str  # "anniversaire_contrat": budget years follow the signature date
    statut: str
    source: str
    date: str
    regles: Mapping[str, PaymentRule]


@dataclass(frozen=True)
class ExampleContract:
    """A real signed contract, shipped as an example (statut ``exemple``), never a rule."""

    code: str
    libelle: str
    taille: int
    statut: str
    source: str
    date: str
    fonctionnement: Figure
    missions: Mapping[str, Mapping[str, Figure]]  # mission -> {"fixe", "variable"} -> Figure


@dataclass(frozen=True)
class AciVersion:
    code: str
    texte: Text
    duree_contrat_ans: Figure
    tiers: tuple[Tier, ...]
    borne: Figure  # bound semantics (valeur: BORNE_INFERIEURE_INCLUSE | ...)
    marge_alerte: float
    missions: Mapping[str, Mission]  # in the data file's order
    fonctionnement: Mapping[int, Figure]
    plafonds: Mapping[int, Figure]
    aide_lettre_intention: Mapping[int, Figure]
    montants_missions: Mapping[int, Mapping[str, Mapping[str, Figure]]]
    montant_non_publie: Figure
    exemples_contrats: tuple[ExampleContract, ...]
    paiement: Payment

    # -- missions ------------------------------------------------------------------------

    def socle(self) -> list[Mission]:
        return [m for m in self.missions.values() if m.categorie == SOCLE]

    def optional(self) -> list[Mission]:
        return [m for m in self.missions.values() if m.categorie == OPTIONNELLE]

    def mission(self, code: str) -> Mission:
        try:
            return self.missions[code]
        except KeyError:
            known = ", ".join(self.missions)
            raise KeyError(
                f"Mission inconnue pour l'ACI {self.code} : « {code} » (connues : {known})"
            ) from None

    # -- tiers ---------------------------------------------------------------------------

    def tier(self, taille: int) -> Tier:
        for t in self.tiers:
            if t.taille == taille:
                return t
        raise KeyError(f"Taille ACI inconnue : {taille!r}")

    def bounds(self) -> list[int]:
        """The population bounds between tiers (40 000, 80 000, 175 000)."""
        return [t.min.valeur for t in self.tiers[1:]]

    def bound_reading(self, tier: Tier) -> Figure:
        """How a population equal to ``tier.max`` is read: a figure whose ``valeur`` is
        ``BORNE_SUPERIEURE_INCLUSE`` (it stays in this tier) or ``BORNE_INFERIEURE_INCLUSE``
        (it goes to the tier above), with the status and note of that reading."""
        if tier.max_inclus is None:
            return self.borne
        reading = BORNE_SUPERIEURE_INCLUSE if tier.max_inclus.valeur else BORNE_INFERIEURE_INCLUSE
        return dataclasses.replace(tier.max_inclus, valeur=reading)

    def max_included(self, tier: Tier) -> bool:
        """True when a population equal to ``tier.max`` belongs to ``tier``."""
        return self.bound_reading(tier).valeur == BORNE_SUPERIEURE_INCLUSE

    def tier_label(self, taille: int) -> str:
        """The population range of a tier in words, true at its exact bounds:
        ``moins de 40 000 habitants``, ``de 40 000 à moins de 80 000 habitants``,
        ``de 80 000 à 175 000 habitants``, ``plus de 175 000 habitants``."""
        t = self.tier(taille)
        lo, hi = t.bounds
        below = self.tiers[t.taille - 2] if t.taille > 1 else None
        lo_included = below is None or not self.max_included(below)
        if hi is None:
            if lo_included:
                return f"{thousands(lo)} habitants ou plus"
            return f"plus de {thousands(lo)} habitants"
        upto = thousands(hi) if self.max_included(t) else f"moins de {thousands(hi)}"
        if lo == 0:
            return f"jusqu'à {upto} habitants" if self.max_included(t) else f"{upto} habitants"
        start = f"de {thousands(lo)}" if lo_included else f"plus de {thousands(lo)}"
        return f"{start} à {upto} habitants"

    def tier_for(self, population: int) -> TierResult:
        """The size tier for a population, and the bound it is close to (within
        ``marge_alerte``, 2 %): population figures move with the millésime, and the texts do
        not settle every exact bound."""
        if isinstance(population, bool) or not isinstance(population, int):
            raise TypeError(f"population must be an int, not {type(population).__name__}")
        if population < 0:
            raise ValueError(f"population must be >= 0, got {population}")
        found = self.tiers[-1]
        for t in self.tiers:
            hi = t.max.valeur if t.max is not None else None
            if hi is None or population < hi or (population == hi and self.max_included(t)):
                found = t
                break
        near: int | None = None
        for b in self.bounds():
            if abs(population - b) <= self.marge_alerte * b and (
                near is None or abs(population - b) < abs(population - near)
            ):
                near = b
        note = _bound_note(self, near, population, found.taille) if near is not None else None
        return TierResult(found.taille, near, note, found)

    # -- money ---------------------------------------------------------------------------

    def montant_mission(self, code: str, taille: int, part: str) -> Figure:
        """The rule amount for a mission's ``fixe``, ``variable`` or ``total`` part in a tier,
        or the figure that says no source gave it (``montant_non_publie``)."""
        self.mission(code)
        self.tier(taille)
        if part not in _MISSION_PARTS:
            raise KeyError(f"Part inconnue : « {part} » (fixe, variable ou total)")
        fig = self.montants_missions.get(taille, {}).get(code, {}).get(part)
        return fig if fig is not None else self.montant_non_publie

    def grid_parts(self, code: str, taille: int) -> Mapping[str, Figure]:
        """The parts the sources give for a mission in a tier (``fixe``, ``variable``,
        ``total``), each with its status; empty when no source gives any."""
        self.mission(code)
        self.tier(taille)
        return self.montants_missions.get(taille, {}).get(code, MappingProxyType({}))

    def exemple(self, code: str) -> ExampleContract:
        for ex in self.exemples_contrats:
            if ex.code == code:
                return ex
        raise KeyError(f"Exemple de contrat inconnu : « {code} »")


def _bound_note(version: AciVersion, bound: int, population: int, taille: int) -> str:
    pct = round(version.marge_alerte * 100)
    below = next(t for t in version.tiers if t.max is not None and t.max.valeur == bound)
    reading = version.bound_reading(below)
    at_bound = below.taille if reading.valeur == BORNE_SUPERIEURE_INCLUSE else below.taille + 1
    head = (
        f"Population de {thousands(population)} habitants à moins de {pct} % de la borne "
        f"{thousands(bound)} : taille {taille} retenue"
    )
    tail = (
        "Une petite variation de population ou de millésime peut changer la taille : à "
        "confirmer avec l'ARS et la CPAM."
    )
    if reading.statut == SUR:
        return (
            f"{head} (exactement {thousands(bound)} habitants : taille {at_bound} ; "
            f"{reading.statut}). {tail}"
        )
    return (
        f"{head}, mais les textes ne disent pas de quel côté tombe la borne exacte (lecture "
        f"de l'outil : exactement {thousands(bound)} habitants = taille {at_bound} ; statut "
        f"{reading.statut}). {tail}"
    )


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def raw() -> dict:
    """The parsed data file (do not mutate it)."""
    from ruamel.yaml import YAML  # imported lazily: keep ``import cpts_cli`` light

    text = (files("cpts_cli") / "referentiel" / "aci.yaml").read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    if not isinstance(data, dict) or not isinstance(data.get("versions"), dict):
        raise AciDataError("aci.yaml: clé « versions » absente")
    if data.get("defaut") not in data["versions"]:
        raise AciDataError("aci.yaml: « defaut » ne désigne pas une version connue")
    if tuple(data.get("statuts") or ()) != STATUTS:
        raise AciDataError(f"aci.yaml: « statuts » doit valoir {list(STATUTS)}")
    return data


def versions() -> list[str]:
    return list(raw()["versions"])


def default_version() -> str:
    return raw()["defaut"]


def sources() -> dict[str, str]:
    """The sources cited in the data file, by short name."""
    return dict(raw().get("sources") or {})


def load(version: str | None = None) -> AciVersion:
    """The rules of one ACI version (default: the version in force). ``KeyError`` for an
    unknown version. An int (``aci: 2019`` unquoted in a YAML file) is accepted."""
    if version is None:
        code = default_version()
    elif isinstance(version, int) and not isinstance(version, bool):
        code = str(version)
    else:
        code = version
    if not isinstance(code, str) or code not in raw()["versions"]:
        known = ", ".join(versions())
        raise KeyError(f"Version de l'ACI inconnue : « {version} » (connues : {known})")
    return _build(code)


def of_project(value: Any) -> tuple[AciVersion, str | None]:
    """The rules a project's ``aci:`` value asks for, and a French alert when that version
    is unknown (the rules in force are then applied). ``aci: 2019`` written without quotes
    reads as a number and is accepted; no value means the version in force."""
    if value is None:
        return load(None), None
    try:
        return load(value), None
    except KeyError:
        default = default_version()
        return load(None), (
            f"Version de l'ACI inconnue « {value} » : règles de « {default} » appliquées "
            f"(versions connues : {', '.join(versions())})."
        )


@cache
def _build(code: str) -> AciVersion:
    return _Parser(code).version(raw()["versions"][code])


class _Parser:
    def __init__(self, code: str) -> None:
        self.code = code

    def fail(self, path: str, msg: str) -> AciDataError:
        return AciDataError(f"aci.yaml: versions/{self.code}/{path}: {msg}")

    def mapping(self, node: Any, path: str) -> dict:
        if not isinstance(node, dict):
            raise self.fail(path, "objet attendu")
        return node

    def figure(self, node: Any, path: str) -> Figure:
        node = self.mapping(node, path)
        unknown = set(node) - {"valeur", "statut", "source", "date", "note", "lectures", "url"}
        if unknown:
            raise self.fail(path, f"clés inconnues {sorted(unknown)}")
        statut = node.get("statut")
        if statut not in STATUTS:
            raise self.fail(path, f"statut {statut!r} hors de {list(STATUTS)}")
        for key in ("valeur", "source", "date"):
            if key not in node:
                raise self.fail(path, f"« {key} » manquant")
        if not isinstance(node["source"], str) or not node["source"].strip():
            raise self.fail(path, "source vide")
        date = node["date"]
        if not isinstance(date, str) or not _valid_date(date):
            raise self.fail(path, f"date {date!r} : AAAA-MM-JJ ou AAAA attendu")
        lectures = tuple(node.get("lectures") or ())
        valeur = node["valeur"]
        if valeur is None and not lectures and statut not in (NON_PUBLIE, A_VERIFIER):
            raise self.fail(
                path, "valeur null : statut « non publié », « à vérifier » ou « lectures » attendu"
            )
        if valeur is not None and statut == NON_PUBLIE:
            raise self.fail(path, "statut « non publié » avec une valeur")
        url = node.get("url")
        if url is not None and (
            not isinstance(url, str) or not url.startswith(("https://", "http://"))
        ):
            raise self.fail(path, f"url {url!r} : adresse http(s):// attendue")
        return Figure(valeur, statut, node["source"], date, node.get("note"), lectures, url)

    def optional_figure(self, node: Any, path: str) -> Figure | None:
        return None if node is None else self.figure(node, path)

    def per_tier(self, node: Any, path: str, tailles: set[int]) -> Mapping[int, Figure]:
        node = self.mapping(node, path)
        out = {}
        for taille, fig in node.items():
            if taille not in tailles:
                raise self.fail(f"{path}/{taille}", "taille inconnue")
            out[taille] = self.figure(fig, f"{path}/{taille}")
        return MappingProxyType(dict(sorted(out.items())))

    def version(self, node: Any) -> AciVersion:
        node = self.mapping(node, "")
        tiers, borne, marge = self.tailles(node.get("tailles"))
        tailles = {t.taille for t in tiers}
        missions = self.missions(node.get("missions"))
        montants = self.mapping(node.get("montants_missions"), "montants_missions")
        par_taille: dict[int, Mapping[str, Mapping[str, Figure]]] = {}
        for taille, by_mission in self.mapping(
            montants.get("par_taille"), "montants_missions/par_taille"
        ).items():
            p = f"montants_missions/par_taille/{taille}"
            if taille not in tailles:
                raise self.fail(p, "taille inconnue")
            par_taille[taille] = self.mission_amounts(by_mission, p, missions)
        return AciVersion(
            code=self.code,
            texte=self.texte(node.get("texte")),
            duree_contrat_ans=self.figure(node.get("duree_contrat_ans"), "duree_contrat_ans"),
            tiers=tiers,
            borne=borne,
            marge_alerte=marge,
            missions=missions,
            fonctionnement=self.per_tier(node.get("fonctionnement"), "fonctionnement", tailles),
            plafonds=self.per_tier(node.get("plafonds"), "plafonds", tailles),
            aide_lettre_intention=self.per_tier(
                node.get("aide_lettre_intention", {}), "aide_lettre_intention", tailles
            ),
            montants_missions=MappingProxyType(par_taille),
            montant_non_publie=self.figure(
                montants.get("non_publie"), "montants_missions/non_publie"
            ),
            exemples_contrats=tuple(
                self.exemple(ex, f"exemples_contrats/{i}", missions, tailles)
                for i, ex in enumerate(node.get("exemples_contrats") or ())
            ),
            paiement=self.paiement(node.get("paiement")),
        )

    def texte(self, node: Any) -> Text:
        node = self.mapping(node, "texte")
        try:
            return Text(
                titre=node["titre"],
                signature=_dt.date.fromisoformat(node["signature"]),
                publication=_dt.date.fromisoformat(node["publication"]),
                reference=node["reference"],
                modifie=node.get("modifie"),
                statut=node["statut"],
                source=node["source"],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise self.fail("texte", f"incomplet ou invalide ({exc})") from None

    def tailles(self, node: Any) -> tuple[tuple[Tier, ...], Figure, float]:
        node = self.mapping(node, "tailles")
        borne = self.figure(node.get("borne"), "tailles/borne")
        if borne.valeur not in _BORNES:
            raise self.fail("tailles/borne", f"valeur hors de {list(_BORNES)}")
        marge = node.get("marge_alerte")
        if not isinstance(marge, (int, float)) or isinstance(marge, bool) or not 0 <= marge < 1:
            raise self.fail("tailles/marge_alerte", "nombre entre 0 et 1 attendu")
        tiers = []
        for i, t in enumerate(node.get("liste") or ()):
            p = f"tailles/liste/{i}"
            t = self.mapping(t, p)
            tiers.append(
                Tier(
                    taille=t.get("taille"),
                    min=self.figure(t.get("min"), f"{p}/min"),
                    max=self.optional_figure(t.get("max"), f"{p}/max"),
                    max_inclus=self.optional_figure(t.get("max_inclus"), f"{p}/max_inclus"),
                )
            )
            last = tiers[-1]
            if last.max_inclus is not None and (
                last.max is None or not isinstance(last.max_inclus.valeur, bool)
            ):
                raise self.fail(f"{p}/max_inclus", "vrai ou faux, et seulement avec un max")
        if [t.taille for t in tiers] != list(range(1, len(tiers) + 1)) or not tiers:
            raise self.fail("tailles/liste", "tailles 1, 2, 3… attendues dans l'ordre")
        if tiers[0].min.valeur != 0 or tiers[-1].max is not None:
            raise self.fail("tailles/liste", "la première commence à 0, la dernière sans max")
        for a, b in zip(tiers, tiers[1:], strict=False):
            if a.max is None or a.max.valeur != b.min.valeur or b.min.valeur <= a.min.valeur:
                raise self.fail("tailles/liste", f"tailles {a.taille} et {b.taille} non contiguës")
        return tuple(tiers), borne, float(marge)

    def missions(self, node: Any) -> Mapping[str, Mission]:
        node = self.mapping(node, "missions")
        out: dict[str, Mission] = {}
        for code, m in node.items():
            p = f"missions/{code}"
            m = self.mapping(m, p)
            if m.get("categorie") not in (SOCLE, OPTIONNELLE):
                raise self.fail(p, "categorie : socle ou optionnelle")
            if not isinstance(m.get("libelle"), str) or not isinstance(m.get("depuis"), str):
                raise self.fail(p, "libelle et depuis (texte) attendus")
            out[code] = Mission(
                code=code,
                libelle=m["libelle"],
                categorie=m["categorie"],
                depuis=m["depuis"],
                demarrage_mois=self.optional_figure(m.get("demarrage_mois"), f"{p}/demarrage_mois"),
                deploiement_mois=self.optional_figure(
                    m.get("deploiement_mois"), f"{p}/deploiement_mois"
                ),
                note_delais=m.get("note_delais"),
                condition_part_variable=m.get("condition_part_variable"),
            )
        return MappingProxyType(out)

    def mission_amounts(
        self, node: Any, path: str, missions: Mapping[str, Mission]
    ) -> Mapping[str, Mapping[str, Figure]]:
        out = {}
        for code, parts in self.mapping(node, path).items():
            p = f"{path}/{code}"
            if code not in missions:
                raise self.fail(p, "mission inconnue")
            parts = self.mapping(parts, p)
            if set(parts) - set(_MISSION_PARTS):
                raise self.fail(p, "parts : fixe, variable et total")
            out[code] = MappingProxyType({k: self.figure(v, f"{p}/{k}") for k, v in parts.items()})
        return MappingProxyType(out)

    def exemple(
        self, node: Any, path: str, missions: Mapping[str, Mission], tailles: set[int]
    ) -> ExampleContract:
        node = self.mapping(node, path)
        if node.get("statut") != EXEMPLE:
            raise self.fail(path, "un contrat réel a le statut « exemple »")
        if node.get("taille") not in tailles:
            raise self.fail(path, "taille inconnue")
        ex = ExampleContract(
            code=node["code"],
            libelle=node["libelle"],
            taille=node["taille"],
            statut=node["statut"],
            source=node["source"],
            date=node["date"],
            fonctionnement=self.figure(node.get("fonctionnement"), f"{path}/fonctionnement"),
            missions=self.mission_amounts(node.get("missions"), f"{path}/missions", missions),
        )
        figs = [ex.fonctionnement, *(f for parts in ex.missions.values() for f in parts.values())]
        if any(f.statut != EXEMPLE for f in figs):
            raise self.fail(path, "tous les montants d'un exemple ont le statut « exemple »")
        return ex

    def paiement(self, node: Any) -> Payment:
        node = self.mapping(node, "paiement")
        regles = {}
        for code, r in self.mapping(node.get("regles"), "paiement/regles").items():
            p = f"paiement/regles/{code}"
            r = self.mapping(r, p)
            regles[code] = PaymentRule(
                code=code,
                description=r.get("description") or "",
                quand=r.get("quand") or "",
                premier_versement=self.optional_figure(
                    r.get("premier_versement"), f"{p}/premier_versement"
                ),
                prorata=bool(r.get("prorata")),
                avance_anniversaire=self.optional_figure(
                    r.get("avance_anniversaire"), f"{p}/avance_anniversaire"
                ),
                condition=r.get("condition"),
            )
        if node.get("statut") not in STATUTS:
            raise self.fail("paiement", "statut invalide")
        return Payment(
            annee_budgetaire=node.get("annee_budgetaire") or "",
            statut=node["statut"],
            source=node.get("source") or "",
            date=node.get("date") or "",
            regles=MappingProxyType(regles),
        )


def _valid_date(text: str) -> bool:
    if len(text) == 4 and text.isdigit():
        return True
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


# --------------------------------------------------------------------------------------------
# Contract years
# --------------------------------------------------------------------------------------------


class ContractYear(NamedTuple):
    index: int  # 1-based
    start: _dt.date
    end: _dt.date  # inclusive: the day before the next anniversary


def _anniversary(signature: _dt.date, years: int) -> _dt.date:
    """``signature`` + ``years`` years; 29 February falls on 28 February in a common year
    (no same day in that month: the term ends on its last day, as in art. 641 CPC)."""
    year = signature.year + years
    try:
        return signature.replace(year=year)
    except ValueError:
        return _dt.date(year, 2, 28)


def contract_years(signature: _dt.date, n: int = 5) -> list[ContractYear]:
    """The ``n`` contract years from the signature date: each runs from an anniversary of the
    signature to the day before the next one (budget years follow the contract, not the
    calendar)."""
    if isinstance(signature, _dt.datetime):
        signature = signature.date()
    if not isinstance(signature, _dt.date):
        raise TypeError("signature must be a datetime.date")
    if n < 0:
        raise ValueError("n must be >= 0")
    return [
        ContractYear(
            k + 1,
            _anniversary(signature, k),
            _anniversary(signature, k + 1) - _dt.timedelta(days=1),
        )
        for k in range(n)
    ]
