"""What every section of the context shares: turning the user's values into plain, complete
data (``_str``, ``_num``…), the vocabularies' labels, and :class:`Source` — the project's data,
the day, the ACI rules and the helpers the sections have in common."""

from __future__ import annotations

import datetime as _dt
import unicodedata
from typing import Any

from cpts_cli.checking.schema import vocabulary

# ------------------------------------------------------------------------------ normalising


def _str(value: Any) -> str | None:
    """Text the user wrote (numbers shown as written), or None."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    text = str(value)
    return text if text.strip() else None


def _num(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _scalar(value: Any) -> Any:
    """A number stays a number, anything else becomes text (or None)."""
    n = _num(value)
    return n if n is not None else _str(value)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strs(value: Any) -> list[str]:
    if isinstance(value, list):
        return [s for s in (_str(v) for v in value) if s is not None]
    single = _str(value)
    return [single] if single else []


def _date(value: Any) -> str | None:
    """An ISO date string when the value is a valid date, else the text as written."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    return _str(value)


def _as_date(value: Any) -> _dt.date | None:
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _sort_key_fr(text: str | None) -> tuple:
    base = unicodedata.normalize("NFKD", text or "")
    base = "".join(c for c in base if not unicodedata.combining(c)).casefold()
    return (base, text or "")


def _label(vocab: dict[str, str], code: Any) -> str | None:
    """The French label of a vocabulary value, or the value as written when unknown."""
    if code is None:
        return None
    if isinstance(code, str) and code in vocab:
        return vocab[code]
    return _str(code)


def _figure(fig) -> dict | None:
    """An ACI data figure with its provenance."""
    if fig is None:
        return None
    return {
        "valeur": fig.valeur,
        "lectures": list(fig.lectures),
        "statut": fig.statut,
        "source": fig.source,
        "date": fig.date,
        "note": fig.note,
        "publie": fig.published,
    }


def _slug(text: str) -> str:
    base = unicodedata.normalize("NFKD", str(text))
    base = "".join(c for c in base if not unicodedata.combining(c)).lower()
    out = []
    for ch in base:
        out.append(ch if ch.isascii() and ch.isalnum() else "-")
    slug = "-".join(part for part in "".join(out).split("-") if part)
    return slug[:60] or "x"


# ------------------------------------------------------------------------------ vocabularies


class _Vocab:
    def __init__(self) -> None:
        self._cache: dict[str, dict[str, str]] = {}

    def __getitem__(self, name: str) -> dict[str, str]:
        if name not in self._cache:
            self._cache[name] = vocabulary(name)
        return self._cache[name]


# ------------------------------------------------------------------------------ the source


class Source:
    """The project's data (a dict), the day, the vocabularies and the ACI rules of the
    project's version: what each section of the context is built from."""

    def __init__(self, data: dict, today: _dt.date) -> None:
        from cpts_cli.referentiel import aci as aci_rules

        self.data = data
        self.today = today
        self.v = _Vocab()
        self.rules = aci_rules.of_project(data.get("aci"))[0]
        #: The territory summary (:func:`cpts_cli.territory.summary.derive`), once derived.
        self.derived_territory = None

    def section(self, name: str) -> dict:
        return _dict(self.data.get(name))

    def person(self, node: Any) -> dict | None:
        node = _dict(node)
        if not node:
            return None
        profession = _str(node.get("profession"))
        return {
            "nom": _str(node.get("nom")),
            "profession": profession,
            "profession_libelle": _label(self.v["profession"], profession),
            "email": _str(node.get("email")),
            "telephone": _str(node.get("telephone")),
            "fonction": _str(node.get("fonction")),
        }

    def mission_label(self, code: Any) -> str | None:
        return _label(self.v["mission"], code)

    def is_socle(self, code: Any) -> bool:
        m = self.rules.missions.get(code) if isinstance(code, str) else None
        return bool(m and m.socle)

    def mission_order(self, code: Any) -> int:
        codes = list(self.rules.missions)
        return codes.index(code) if code in codes else len(codes)

    def commune_name(self, code: Any) -> str | None:
        from cpts_cli.referentiel import store

        if not isinstance(code, str):
            return _str(code)
        c = store.commune(code)
        return c.nom if c else code
