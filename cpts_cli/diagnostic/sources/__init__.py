"""What a reader of a national file gives back, whatever the file.

A reader is a module of this package with two functions:

* ``sniff(head: bytes, name: str) -> bool``: the file is of this kind, judged by its content
  (its first bytes; ``name`` only breaks ties, e.g. a zip);
* ``read(path: Path, scope: Scope) -> SourceFile``: the indicators of the file for the
  territory and for every comparison level of ``scope``; raises ``CptsError`` (one French
  message naming the file and what is wrong) on a file it cannot read.

Figures are plain numbers (per 10 000 inhabitants, %, counts…), rounded by the reader to
what the file supports. ``None`` is a value the file cannot give (a commune missing…), said
in ``manquantes`` / ``note``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scope:
    """The territory and what it is compared with: current INSEE codes of its communes (old
    codes resolved, arrondissements counted once), the departments and regions they are in."""

    communes: tuple[str, ...]
    departements: tuple[str, ...]
    regions: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    """One indicator, as ``diagnostic.indicateurs`` will hold it."""

    code: str  # e.g. "medecins_generalistes_pour_10000"
    libelle: str  # French, as printed in the diagnostic
    theme: str  # a key of the schema's $defs/theme
    unite: str  # "pour 10 000 habitants", "%", "établissements"…
    territoire: float | None
    departements: dict[str, float | None] = field(default_factory=dict)
    regions: dict[str, float | None] = field(default_factory=dict)
    france: float | None = None
    #: communes of the territory the file does not have (the value covers less)
    manquantes: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class SourceFile:
    kind: str  # "rpps", "finess", "insee", "apl"
    editeur: str  # "DREES", "INSEE", "ANS (Annuaire Santé)"…
    jeu: str  # the dataset's name, as its publisher calls it
    millesime: int  # the year the figures describe
    figures: tuple[Figure, ...]
    #: FINESS only: the territory's establishments, for mobilisation.structures
    structures: tuple[dict, ...] = ()
    #: optional, finer than ``millesime``: orders two files of the same year (FINESS, RPPS:
    #: the extraction date, ``YYYY-MM-DD``); written in the indicators' ``source`` in French
    #: (« extraction du 15 octobre 2024 »)
    version: str = ""
    #: what the reader left out and says (« 3 lignes « structureet » illisibles, ignorées. »)
    warning: str = ""
