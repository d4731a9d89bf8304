"""Checks between several project files: territories that overlap (``CPTS-X001``).

A reviewer validates every CPTS file of a department or a region at once
(``cpts validate dossier/``); each commune should then belong to one CPTS only. The check
builds one index commune → files over all the files (linear in the total number of
communes), then reports, in each file, every commune it shares with another file, at the
entry (commune code or EPCI) that brings it in.

Paris, Lyon and Marseille are compared by arrondissement municipal: a file that lists the
whole city (``75056``) covers each of its arrondissements, so it overlaps a file that lists
``75113``, while two files with different arrondissements do not overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cpts_cli.checking.codes import define
from cpts_cli.checking.findings import Finding
from cpts_cli.project.document import ProjectDocument
from cpts_cli.territory.coverage import covered_units
from cpts_cli.territory.summary import of_document

#: How many other CPTS a finding names before "et N autres".
MAX_NAMED = 3

X_OVERLAP = define(
    "CPTS-X001",
    "error",
    "Commune dans le territoire de plusieurs CPTS",
    "{nom} ({code}) figure aussi dans le territoire de {autres} : une commune ne relève "
    "que d'une seule CPTS ; convenez ensemble de celle qui la garde.",
    """
    Vérifié quand plusieurs fichiers sont contrôlés ensemble (« cpts validate dossier/ ») :
    une commune (ou un arrondissement de Paris, Lyon, Marseille) ne figure que dans un seul
    territoire de CPTS. C'est une erreur, pas un avertissement : les territoires de CPTS
    voisines ne se chevauchent pas (l'ARS vise une couverture de la région « sans
    chevauchement » ni zone blanche), et la population d'une commune partagée serait comptée
    dans la taille ACI de chacune.

    Incorrect : `cpts-a.yaml` avec `communes: ["21166", "21355"]` et `cpts-b.yaml` avec
    `communes: ["21355", "21390"]` (Longvic dans les deux). Incorrect aussi : `"75056"`
    (Paris entier) dans l'un et `"75113"` dans l'autre.
    Correct : `cpts-a.yaml` avec `["21166", "21355"]`, `cpts-b.yaml` avec `["21390"]`.
    """,
    step="territoire",
)


def _label(doc: ProjectDocument) -> str:
    cpts = doc.plain.get("cpts") if isinstance(doc.plain, dict) else None
    nom = cpts.get("nom") if isinstance(cpts, dict) else None
    if isinstance(nom, str) and nom.strip():
        return f"« {nom.strip()} » ({doc.name})"
    return f"« {doc.name} »"


def _identity(doc: ProjectDocument) -> str:
    if doc.path is None:
        return doc.name
    try:
        return str(Path(doc.path).resolve())
    except OSError:
        return str(doc.path)


def overlap_findings(docs: Sequence[ProjectDocument | None]) -> list[list[Finding]]:
    """For each document (same order), its ``CPTS-X001`` findings against all the others.

    ``None`` stands for a file that could not be checked (unparsable, format too new): it
    takes no part and gets no finding. The same file given twice counts once.
    """
    covered: list[dict] = []
    identities: list[str] = []
    index: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        if doc is None or not isinstance(doc.plain, dict):
            covered.append({})
            identities.append("")
            continue
        codes = covered_units(of_document(doc))
        covered.append(codes)
        identity = _identity(doc)
        identities.append(identity)
        for code in codes:
            owners = index.setdefault(code, [])
            # The same file named twice on the command line is one CPTS, not an overlap.
            if not any(identities[j] == identity for j in owners):
                owners.append(i)

    labels: dict[int, str] = {}
    results: list[list[Finding]] = [[] for _ in docs]
    for code, owners in index.items():
        if len(owners) < 2:
            continue
        for i in owners:
            # Only the first few others are named: O(owners) per commune, even when a
            # commune sits in hundreds of files.
            named = [j for j in owners[: MAX_NAMED + 1] if j != i][:MAX_NAMED]
            rest = len(owners) - 1 - len(named)
            names = []
            for j in named:
                if j not in labels:
                    labels[j] = _label(docs[j])  # type: ignore[arg-type]
                names.append(labels[j])
            autres = ", ".join(names)
            if rest:
                autres += f" et {rest} autre{'s' if rest > 1 else ''}"
            doc = docs[i]
            commune, ptr = covered[i][code]
            line, column = doc.locate(ptr)  # type: ignore[union-attr]
            results[i].append(
                X_OVERLAP.make(
                    ptr,
                    line,
                    column,
                    file=doc.name,  # type: ignore[union-attr]
                    nom=commune.nom,
                    code=code,
                    autres=autres,
                )
            )
    return results
