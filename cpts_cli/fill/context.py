"""What ``cpts fill`` reads in the project to ask: the choices, the defaults, the keys of a
map, and whether a question applies."""

from __future__ import annotations

import re
from typing import Any

from cpts_cli.fill.base import MISSING as _MISSING
from cpts_cli.fill.base import Place, Prompt, filled, slug
from cpts_cli.fill.base import glob_items as _glob
from cpts_cli.fill.base import resolve_pointer as _resolve
from cpts_cli.fill.spec import Question
from cpts_cli.project.document import to_plain


class ProjectContext:
    """Choices, defaults, keys and conditions, from the project as it is. Part of ``Filler``."""

    def _choices(self, q: Question) -> list[tuple[Any, str]]:
        source = q.choices
        if source is None:
            return list(q.enum)
        if source == "territory_ars":
            from cpts_cli.territory.summary import derive

            t = derive(self.doc.plain.get("territoire"))
            return [(a.code, a.libelle) for a in t.ars]
        if source == "structures":
            items = _resolve(self.doc.plain, "/mobilisation/structures") or []
            return [
                (s["nom"], s["nom"])
                for s in items
                if isinstance(s, dict) and isinstance(s.get("nom"), str)
            ]
        if isinstance(source, dict):
            items = _resolve(self.doc.plain, source["from"]) or []
            out = []
            for item in items:
                if not isinstance(item, dict) or item.get(source["value"]) in (None, ""):
                    continue
                value = item[source["value"]]
                label = item.get(source.get("label", ""))
                out.append((value, f"{value} — {label}" if label else str(value)))
            if not out:
                self.asker.say(
                    f"« {q.title} » : rien à choisir pour l'instant ({source['from']} est vide).",
                    "info",
                )
            return out
        return []

    def _people(self) -> list[tuple[str, str, str | None]]:
        """The people the file knows, each once: (name as written, label, profession).

        The porteur, the coordinator, the bureau, then the actors (« Prénom Nom »); a person
        written twice (« Dr Claire Morel » in the bureau, « Claire Morel » among the actors)
        keeps the first spelling, with every role in the label."""
        from cpts_cli.checking.schema import vocabulary, vocabulary_extra

        plain = self.doc.plain
        professions = vocabulary("profession")
        short = vocabulary_extra("profession", "x-libelles-documents")
        functions = vocabulary("fonction_bureau")
        found: dict[str, list] = {}

        def add(name: Any, role: str, profession: Any = None) -> None:
            if not isinstance(name, str) or not name.strip():
                return
            name = " ".join(name.split())
            entry = found.setdefault(_person_key(name), [name, [], None])
            if role and role not in entry[1]:
                entry[1].append(role)
            if entry[2] is None and isinstance(profession, str) and profession in professions:
                entry[2] = profession

        porteur = _resolve(plain, "/cpts/porteur")
        if isinstance(porteur, dict):
            add(porteur.get("nom"), "porteur du projet", porteur.get("profession"))
        coordinator = _resolve(plain, "/cpts/coordinateur")
        if isinstance(coordinator, dict):
            add(coordinator.get("nom"), "coordinateur")
        for member in _resolve(plain, "/cpts/association/bureau") or []:
            if isinstance(member, dict):
                role = functions.get(member.get("fonction"), "")
                add(member.get("nom"), str(role).lower(), member.get("profession"))
        for actor in _resolve(plain, "/mobilisation/acteurs") or []:
            if isinstance(actor, dict) and isinstance(actor.get("nom"), str):
                first = actor.get("prenom") if isinstance(actor.get("prenom"), str) else ""
                add(f"{first} {actor['nom']}".strip(), "", actor.get("profession"))
        out = []
        for name, roles, profession in found.values():
            parts = [*roles]
            if profession:
                forms = short.get(profession) or [professions[profession]]
                parts.insert(0, str(forms[0]).lower())
            out.append((name, f"{name} — {', '.join(parts)}" if parts else name, profession))
        return out

    def _default(self, q: Question, place: Place) -> Any:
        d = q.default
        if d is None or not isinstance(d, dict):
            return d
        if "from" in d:
            value = _resolve(self.doc.plain, d["from"])
            if q.unique and any(
                isinstance(x, dict) and x.get(q.key) == value
                for i, x in enumerate(place.siblings)
                if i != place.index
            ):
                return None  # already given in the list: proposing it again would repeat it
            return value if isinstance(value, str | int | float) else None
        siblings = [x for x in place.siblings if isinstance(x, dict)]
        if "slug" in d:
            base = place.item.get(d["slug"])
            if not isinstance(base, str) or not base.strip():
                return None
            text = slug(base)
            taken = {x.get(q.key) for x in siblings}
            candidate, n = text, 2
            while candidate in taken:
                candidate, n = f"{text}_{n}", n + 1
            return candidate
        if "next_id" in d:
            prefix = d["next_id"]
            pool = list(_glob(self.doc.plain, d["among"])) if d.get("among") else siblings
            numbers = [0]
            for x in pool:
                value = x.get(q.key) if isinstance(x, dict) else None
                m = re.fullmatch(re.escape(prefix) + r"(\d+)", str(value or ""))
                if m:
                    numbers.append(int(m.group(1)))
            return f"{prefix}{max(numbers) + 1}"
        if "next_number" in d:
            numbers = [x.get(q.key) for x in siblings if isinstance(x.get(q.key), int)]
            return max(numbers, default=0) + 1
        if d.get("named") == "person_profession":
            chosen = _person_key(str(place.item.get(d.get("of", "nom")) or ""))
            return next((p for n, _, p in self._people() if _person_key(n) == chosen), None)
        if d.get("named") == "aci_deadline":
            return self._deadline(q, place)["limit"]
        if d.get("named") == "uncovered_mission":
            uncovered = self._keys("uncovered_socle")
            return uncovered[0] if uncovered else None
        if d.get("named") == "association_form":
            from cpts_cli.checking.rules.projet_sante import LOCAL_LAW_DEPARTMENTS
            from cpts_cli.territory.summary import derive

            deps = set(derive(self.doc.plain.get("territoire")).departements)
            return "droit_local" if deps and deps <= set(LOCAL_LAW_DEPARTMENTS) else "loi_1901"
        return None

    def _deadline(self, q: Question, place: Place) -> dict:
        """The ACI's deadline for the mission a deployment month is asked for (CPTS-H009)."""
        from cpts_cli.checking.rules.engine import Context

        aci = Context(self.doc, self.today).aci
        mission = aci.missions.get(place.tokens[-2]) if len(place.tokens) > 1 else None
        figure = getattr(mission, q.key, None) if mission is not None else None
        return {
            "mission": mission.libelle if mission is not None else "?",
            "limit": getattr(figure, "valeur", None),
            "what": "démarre" if q.key == "demarrage_mois" else "est pleinement déployée",
            "version": aci.code,
        }

    def _keys(self, source: str, q: Question | None = None) -> list[str]:
        from cpts_cli.checking.rules.engine import Context

        ctx = Context(self.doc, self.today)
        socle = ctx.socle_missions
        if source == "socle":
            return list(socle)
        if source == "projet":
            missions = self.doc.plain.get("projet_sante", {}) or {}
            with_fiches = {
                m
                for m, content in (missions.get("missions") or {}).items()
                if isinstance(content, dict) and content.get("fiches_actions")
            }
            return [m for m in ctx.aci.missions if m in socle or m in with_fiches]
        if source == "uncovered_socle":
            covered = {p.get("mission") for _, p in ctx.items("/priorites/problematiques")}
            return [m for m in socle if m not in covered]
        if source == "contract_indicators":
            from cpts_cli.checking.rules.mise_en_oeuvre import contract_indicators

            return list(contract_indicators(ctx))
        return q.key_order() if q is not None else []

    def _key_labels(self, source: str) -> list[tuple[str, str]]:
        if source == "contract_indicators":
            from cpts_cli.checking.rules.engine import Context
            from cpts_cli.checking.rules.mise_en_oeuvre import contract_indicators

            found = contract_indicators(Context(self.doc, self.today))
            return [
                (k, f"Indicateur {k} — {v.get('libelle') or ''}".rstrip(" —"))
                for k, v in found.items()
            ]
        from cpts_cli.checking.schema import vocabulary

        labels = vocabulary("mission")
        return [(k, f"Mission « {labels.get(k, k)} »") for k in self._keys(source)]

    def _optional_keys(self, q: Question, taken: list) -> list[tuple[str, str]]:
        """A keyed list's optional keys the user picks (the ACI's optional missions that a
        contract may add), proposed when the projet de santé has fiches-actions for them."""
        if not q.keyed or q.keyed.get("optional") != "aci_missions":
            return []
        from cpts_cli.checking.rules.engine import Context

        optional = [m for m in Context(self.doc, self.today).aci.missions.values() if not m.socle]
        choices = [(m.code, m.libelle) for m in optional if m.code not in taken]
        if not choices:
            return []
        missions = _resolve(self.doc.plain, "/projet_sante/missions")
        planned = [
            code
            for code, _ in choices
            if isinstance(missions, dict)
            and isinstance(missions.get(code), dict)
            and missions[code].get("fiches_actions")
        ]
        picked = self.asker.ask(
            Prompt(
                "checkbox",
                "Missions optionnelles retenues dans le contrat",
                help="Cochez celles que le contrat signé retient (aucune si le contrat n'en "
                "retient pas) ; celles du projet de santé sont cochées.",
                default=planned,
                choices=choices,
            )
        )
        labels = dict(choices)
        return [(code, f"Mission « {labels[code]} »") for code in picked or []]

    def _applies(self, q: Question, ctx: dict) -> bool:
        cond = q.when
        if not cond:
            return True
        value = ctx.get(cond.get("field", ""))
        if "equals" in cond:
            return value == cond["equals"]
        if "empty" in cond:
            return (not filled(value)) == bool(cond["empty"])
        if "outside_territory" in cond:
            from cpts_cli.checking.rules.mobilisation import outside_territory
            from cpts_cli.territory.summary import derive

            t = derive(self.doc.plain.get("territoire"))
            outside = not t.is_empty and outside_territory(value, set(t.members)) is not None
            return outside == bool(cond["outside_territory"])
        return True

    def _announce(self, q: Question, item: dict) -> None:
        """Why a field of a new element is asked when its condition is a finding's: a commune
        outside the territory is said as « cpts validate » says it (CPTS-M005)."""
        cond = q.when or {}
        if cond.get("outside_territory"):
            from cpts_cli.checking.codes import REGISTRY
            from cpts_cli.checking.rules.mobilisation import _who, outside_territory
            from cpts_cli.territory.summary import derive

            code = item.get(cond.get("field", ""))
            t = derive(self.doc.plain.get("territoire"))
            commune = outside_territory(code, set(t.members))
            if commune is not None:
                message = REGISTRY["CPTS-M005"].template.format(
                    nom=_who(item), commune=f"{commune.nom} ({code})"
                )
                self.asker.say(message, "warn")

    def _missing(self, q: Question, value: Any) -> bool:
        if value is _MISSING or not filled(value):
            return True
        plain = to_plain(value)
        if q.kind == "group" and isinstance(plain, dict):
            return any(
                f.required and self._applies(f, plain) and not filled(plain.get(f.key, _MISSING))
                for f in q.fields
            )
        if q.kind == "map" and isinstance(plain, dict):
            return any(not filled(plain.get(k)) for k in self._keys(q.keys or "all", q))
        return False


_TITLES = re.compile(r"^(?:dr|docteur|pr|professeur|mme|madame|mlle|m|mr|monsieur)\b\.?\s*")


def _person_key(name: str) -> str:
    """A person's name compared without titles, case, accents or word order."""
    text = slug(name)
    text = _TITLES.sub("", text.replace("_", " ")).strip()
    return " ".join(sorted(text.split()))
