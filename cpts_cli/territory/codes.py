"""Commune and EPCI codes: what they look like and how they are written for a user."""

from __future__ import annotations

import re
from functools import lru_cache

from cpts_cli.referentiel import store

#: A commune's INSEE code (Corsica: 2A, 2B), and an EPCI's SIREN.
INSEE_RE = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{3}$")
SIREN_RE = re.compile(r"^[0-9]{9}$")


def clean_code(code: object) -> str:
    """A code as typed, without spaces, upper case (``2a004`` → ``2A004``)."""
    return "".join(str(code).split()).upper()


def commune_label(commune: store.Commune) -> str:
    return f"{commune.nom} ({commune.code})"


@lru_cache(maxsize=4096)
def arrondissements(code: str) -> tuple[store.Commune, ...]:
    return tuple(store.arrondissements(code))
