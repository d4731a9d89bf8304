"""What every section of the context shares: the vocabularies' labels and :class:`Source` —
the project's data, the day, the ACI rules and the helpers the sections have in common. The
user's values are made plain by :mod:`cpts_cli.documents.context.values`."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from cpts_cli.checking.schema import vocabulary, vocabulary_extra
from cpts_cli.documents.context import values

# ------------------------------------------------------------------------------ vocabularies


class _Vocab:
    def __init__(self) -> None:
        self._cache: dict[str, dict[str, str]] = {}

    def __getitem__(self, name: str) -> dict[str, str]:
        if name not in self._cache:
            self._cache[name] = vocabulary(name)
        return self._cache[name]

    def extra(self, name: str, key: str) -> dict:
        """A vocabulary's ``x-…`` table (document labels, say)."""
        return vocabulary_extra(name, key)


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
        return values.mapping(self.data.get(name))

    def person(self, node: Any) -> dict | None:
        node = values.mapping(node)
        if not node:
            return None
        profession = values.text(node.get("profession"))
        return {
            "nom": values.text(node.get("nom")),
            "profession": profession,
            "profession_libelle": self.profession(profession)[0],
            "email": values.text(node.get("email")),
            "telephone": values.text(node.get("telephone")),
            "fonction": values.text(node.get("fonction")),
        }

    def profession(self, code: Any) -> tuple[str | None, str | None]:
        """A profession as a document names it, singular and plural (« Infirmier »,
        « Infirmiers »): not the RPPS's label (« Infirmier (y compris infirmier
        psychiatrique) ») that the vocabulary shows in the terminal."""
        if not isinstance(code, str):
            return None, None
        forms = self.v.extra("profession", "x-libelles-documents").get(code)
        if forms:
            return forms[0], forms[1]
        label = values.label(self.v["profession"], code)
        return label, label

    def coded(self, item: dict, key: str, vocabulary: str | None = None) -> dict:
        """A coded field of the user's ``item`` and its French label: ``{key: code,
        key_libelle: label}`` (the vocabulary is named like the key unless told)."""
        code = item.get(key)
        return {
            key: values.text(code),
            f"{key}_libelle": values.label(self.v[vocabulary or key], code),
        }

    def mission_label(self, code: Any) -> str | None:
        return values.label(self.v["mission"], code)

    def is_socle(self, code: Any) -> bool:
        m = self.rules.missions.get(code) if isinstance(code, str) else None
        return bool(m and m.socle)

    def mission_order(self, code: Any) -> int:
        codes = list(self.rules.missions)
        return codes.index(code) if code in codes else len(codes)

    def commune_name(self, code: Any) -> str | None:
        from cpts_cli.referentiel import store

        if not isinstance(code, str):
            return values.text(code)
        c = store.commune(code)
        return c.nom if c else code
