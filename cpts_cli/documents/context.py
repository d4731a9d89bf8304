"""The template context: the project's data plus everything derived from it.

Templates see plain dicts and lists with French keys (like the project file), always
complete: every key a template may read is present (``None`` or an empty list when the user
has not written it), whatever the state of the file, so that a draft of a half-filled project
renders. Labels come from the schema's vocabularies, territory figures from the reference
data, deadlines and amounts from the ACI data file. Nothing here formats text for Markdown:
the template filters do.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from typing import Any

from cpts_cli.checking.schema import vocabulary
from cpts_cli.support.dates import add_months

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


# ------------------------------------------------------------------------------ vocabularies


class _Vocab:
    def __init__(self) -> None:
        self._cache: dict[str, dict[str, str]] = {}

    def __getitem__(self, name: str) -> dict[str, str]:
        if name not in self._cache:
            self._cache[name] = vocabulary(name)
        return self._cache[name]


def _dgos_titles() -> list[tuple[str, str]]:
    from cpts_cli.support.resources import schema

    node = schema()["properties"]["projet_sante"]["properties"]["items_dgos"]["properties"]
    return [(code, sub.get("title") or code) for code, sub in node.items()]


# ------------------------------------------------------------------------------ the builder


def build_context(plain: Any, *, today: _dt.date | None = None) -> dict:
    """The context shared by all deliverables of one project (plain data in, plain data out)."""
    from cpts_cli.support import dates

    return _Builder(plain if isinstance(plain, dict) else {}, today or dates.today()).build()


class _Builder:
    def __init__(self, data: dict, today: _dt.date) -> None:
        self.data = data
        self.today = today
        self.v = _Vocab()

    def section(self, name: str) -> dict:
        return _dict(self.data.get(name))

    # -- entry point -----------------------------------------------------------------------

    def build(self) -> dict:
        from cpts_cli.referentiel import aci as aci_rules

        self.rules = aci_rules.of_project(self.data.get("aci"))[0]
        ctx: dict[str, Any] = {
            "aujourdhui": self.today.isoformat(),
            "cpts": self.cpts(),
        }
        ctx["territoire"] = self.territory()
        ctx["aci"] = self.aci(ctx["territoire"]["taille"])
        ctx["acteurs"] = self.actors()
        mobilisation = self.section("mobilisation")
        ctx["structures"] = self.structures(mobilisation.get("structures"))
        ctx["reunions"] = self.meetings(mobilisation.get("reunions"))
        ctx["diagnostic"] = self.diagnostic()
        ctx["priorites"] = self.priorities(ctx["diagnostic"])
        ctx["lettre"] = self.letter(ctx["territoire"])
        ctx["presentation"] = self.presentation()
        ctx["projet_sante"] = self.health_project(ctx["priorites"])
        ctx["validation"] = self.validation()
        ctx["financement"] = self.funding()
        ctx["mise_en_oeuvre"] = self.implementation(ctx["validation"], ctx["financement"])
        ctx["etapes"] = self.steps()
        ctx["vocabulaire"] = {
            name: self.v[name]
            for name in (
                "mission",
                "profession",
                "type_structure",
                "theme",
                "maille",
                "niveau",
                "decision",
                "type_moyen",
            )
        }
        return ctx

    # -- identity --------------------------------------------------------------------------

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

    def cpts(self) -> dict:
        node = self.section("cpts")
        assoc = _dict(node.get("association"))
        association = None
        if assoc:
            bureau = []
            for member in _dicts(assoc.get("bureau")):
                fonction = _str(member.get("fonction"))
                bureau.append(
                    {
                        "fonction": fonction,
                        "fonction_libelle": _label(self.v["fonction_bureau"], fonction),
                        "nom": _str(member.get("nom")),
                        "profession": _str(member.get("profession")),
                        "profession_libelle": _label(
                            self.v["profession"], member.get("profession")
                        ),
                    }
                )
            association = {
                "nom": _str(assoc.get("nom")),
                "forme": _str(assoc.get("forme")),
                "forme_libelle": _label(self.v["forme_association"], assoc.get("forme")),
                "statut": _str(assoc.get("statut")),
                "statut_libelle": _label(self.v["statut_association"], assoc.get("statut")),
                "rna": _str(assoc.get("rna")),
                "date_creation": _date(assoc.get("date_creation")),
                "siege": _str(assoc.get("siege")),
                "bureau": bureau,
                "colleges": _strs(assoc.get("colleges")),
            }
        return {
            "nom": _str(node.get("nom")),
            "porteur": self.person(node.get("porteur"))
            or {
                "nom": None,
                "profession": None,
                "profession_libelle": None,
                "email": None,
                "telephone": None,
                "fonction": None,
            },
            "coordinateur": self.person(node.get("coordinateur")),
            "association": association,
        }

    # -- territory -------------------------------------------------------------------------

    def territory(self) -> dict:
        from cpts_cli.referentiel import store
        from cpts_cli.territory.summary import derive

        node = self.section("territoire")
        terr = derive(node)
        self.derived_territory = terr
        communes = []
        for code in terr.codes:
            c = terr.members[code].commune
            dep = store.departement(c.departement)
            communes.append(
                {
                    "code": c.code,
                    "nom": c.nom,
                    "departement": c.departement,
                    "departement_nom": dep.nom if dep else None,
                    "population": c.population,
                }
            )
        communes.sort(key=lambda c: (*_sort_key_fr(c["nom"]), c["code"]))
        departements = []
        for code in terr.departements:
            dep = store.departement(code)
            departements.append({"code": code, "nom": dep.nom if dep else code})
        regions = []
        for code in terr.regions:
            reg = store.region(code)
            regions.append({"code": code, "nom": reg.nom if reg else code})
        ars = [{"code": a.code, "nom": a.nom, "libelle": a.libelle} for a in terr.ars]
        referente_code = _str(node.get("ars_referente"))
        referente = next((a for a in ars if a["code"] == referente_code), None)
        if referente is None and referente_code:
            known = store.ars(referente_code)
            if known is not None:
                referente = {"code": known.code, "nom": known.nom, "libelle": known.libelle}
        if referente is None and len(ars) == 1:
            referente = ars[0]
        meta = store.meta()
        population = terr.population
        override = terr.override if terr.population != terr.population_reference else None
        taille = None
        taille_note = None
        if isinstance(population, int):
            result = self.rules.tier_for(population)
            taille, taille_note = result.taille, result.bound_note
        epcis = []
        for _ptr, e in terr.epcis:
            epcis.append(
                {"siren": e.siren, "nom": e.nom, "type": e.type, "nb_communes": len(e.membres)}
            )
        return {
            "communes": communes,
            "nb_communes": len(communes),
            "epci": epcis,
            "population": population,
            "population_reference": terr.population_reference,
            "population_source": (
                _str(override.get("source"))
                if override
                else f"INSEE, {meta.get('population', 'population municipale')}, "
                f"millésime {meta.get('population_millesime', '?')}"
            ),
            "population_saisie": bool(override),
            "population_millesime": meta.get("population_millesime"),
            "communes_sans_population": terr.communes_without_population,
            "departements": departements,
            "regions": regions,
            "ars": ars,
            "plusieurs_ars": len(ars) > 1,
            "ars_referente": referente,
            "justification": _str(node.get("justification")),
            "taille": taille,
            "taille_note": taille_note,
            "source_referentiel": (
                f"{meta.get('source', '')} {meta.get('version', '')} "
                f"(COG {meta.get('cog', '')}, {meta.get('licence', '')})"
            ).strip(),
            "codes_inconnus": [r.code for _p, r in terr.unknown_communes]
            + [s for _p, s in terr.unknown_epci],
        }

    # -- ACI rules -------------------------------------------------------------------------

    def aci(self, taille: int | None) -> dict:
        r = self.rules
        missions = []
        for m in r.missions.values():
            missions.append(
                {
                    "code": m.code,
                    "libelle": _label(self.v["mission"], m.code) or m.libelle,
                    "socle": m.socle,
                    "categorie": m.categorie,
                    "demarrage": _figure(m.demarrage_mois),
                    "deploiement": _figure(m.deploiement_mois),
                    "note_delais": m.note_delais,
                    "condition_part_variable": m.condition_part_variable,
                }
            )
        return {
            "version": r.code,
            "titre": r.texte.titre,
            "reference": r.texte.reference,
            "source": r.texte.source,
            "duree_contrat_ans": r.duree_contrat_ans.valeur,
            "missions": missions,
            "missions_socle": [m for m in missions if m["socle"]],
            "taille": taille,
            "fonctionnement": _figure(r.fonctionnement.get(taille)) if taille else None,
            "plafond": _figure(r.plafonds.get(taille)) if taille else None,
            "aide_lettre_intention": _figure(r.aide_lettre_intention.get(taille))
            if taille
            else None,
        }

    def mission_label(self, code: Any) -> str | None:
        return _label(self.v["mission"], code)

    def is_socle(self, code: Any) -> bool:
        m = self.rules.missions.get(code) if isinstance(code, str) else None
        return bool(m and m.socle)

    def mission_order(self, code: Any) -> int:
        codes = list(self.rules.missions)
        return codes.index(code) if code in codes else len(codes)

    # -- mobilisation ----------------------------------------------------------------------

    def commune_name(self, code: Any) -> str | None:
        from cpts_cli.referentiel import store

        if not isinstance(code, str):
            return _str(code)
        c = store.commune(code)
        return c.nom if c else code

    def actors(self) -> dict:
        node = self.section("mobilisation")
        actors = []
        for a in _dicts(node.get("acteurs")):
            profession = _str(a.get("profession"))
            nom = _str(a.get("nom"))
            prenom = _str(a.get("prenom"))
            actors.append(
                {
                    "nom": nom,
                    "prenom": prenom,
                    "nom_complet": " ".join(p for p in (prenom, nom) if p) or None,
                    "profession": profession,
                    "profession_libelle": _label(self.v["profession"], profession),
                    "mode_exercice": _str(a.get("mode_exercice")),
                    "mode_exercice_libelle": _label(
                        self.v["mode_exercice"], a.get("mode_exercice")
                    ),
                    "commune": _str(a.get("commune")),
                    "commune_nom": self.commune_name(a.get("commune")),
                    "structure": _str(a.get("structure")),
                    "role": _str(a.get("role")),
                }
            )
        # The counts are those of `cpts actors stats`: one computation for both.
        from cpts_cli.actors.stats import compute

        stats = compute(self.data)
        by_profession = [
            {"code": c.code, "libelle": c.libelle, "nombre": c.effectif}
            for c in stats.professions
            if c.code
        ]
        medecins = sum(
            c.effectif for c in stats.professions if c.code and c.code.startswith("medecin")
        )
        return {
            "liste": actors,
            "total": stats.total,
            "par_profession": by_profession,
            "nb_professions": len(by_profession),
            "nb_medecins": medecins,
            "par_commune": [c.to_dict() for c in stats.communes],
            "par_mode": [c.to_dict() for c in stats.modes],
            "generalistes": stats.generalistes,
            "generalistes_pour_10000": stats.generalistes_pour_10000,
        }

    def structures(self, value: Any) -> list[dict]:
        out = []
        for s in _dicts(value):
            out.append(
                {
                    "nom": _str(s.get("nom")),
                    "type": _str(s.get("type")),
                    "type_libelle": _label(self.v["type_structure"], s.get("type")),
                    "commune": _str(s.get("commune")),
                    "commune_nom": self.commune_name(s.get("commune")),
                    "finess": _str(s.get("finess")),
                }
            )
        return out

    def meetings(self, value: Any) -> list[dict]:
        out = []
        for r in _dicts(value):
            out.append(
                {
                    "date": _date(r.get("date")),
                    "objet": _str(r.get("objet")),
                    "participants": _scalar(r.get("participants")),
                    "lieu": _str(r.get("lieu")),
                }
            )
        out.sort(key=lambda r: r["date"] or "")
        return out

    # -- diagnostic ------------------------------------------------------------------------

    def diagnostic(self) -> dict:
        node = self.section("diagnostic")
        themes_vocab = self.v["theme"]
        indicators = []
        for i in _dicts(node.get("indicateurs")):
            refs = _dict(i.get("references"))
            references = {k: _num(refs.get(k)) for k in ("departement", "region", "france")}
            theme = _str(i.get("theme")) or "autre"
            indicators.append(
                {
                    "code": _str(i.get("code")),
                    "libelle": _str(i.get("libelle")),
                    "theme": theme,
                    "theme_libelle": _label(themes_vocab, theme),
                    "valeur": _scalar(i.get("valeur")),
                    "masque": i.get("masque") is True,
                    "unite": _str(i.get("unite")),
                    "annee": _scalar(i.get("annee")),
                    "source": _str(i.get("source")),
                    "maille": _str(i.get("maille")),
                    "maille_libelle": _label(self.v["maille"], i.get("maille")),
                    "references": references,
                    "a_references": any(v is not None for v in references.values()),
                    "sans_reference": _str(i.get("sans_reference")),
                }
            )
        by_code = {i["code"]: i for i in indicators if i["code"]}
        order = list(themes_vocab)
        themes = []
        for code in sorted(
            {i["theme"] for i in indicators},
            key=lambda t: (order.index(t) if t in order else len(order), t),
        ):
            members = [i for i in indicators if i["theme"] == code]
            chartable = [
                i
                for i in members
                if _num(i["valeur"]) is not None and not i["masque"] and i["a_references"]
            ]
            charts = _theme_charts(code, _label(themes_vocab, code), chartable)
            themes.append(
                {
                    "code": code,
                    "libelle": _label(themes_vocab, code),
                    "indicateurs": members,
                    "graphiques": charts,
                    "graphique": charts[0] if charts else None,
                }
            )
        constats = []
        for c in _dicts(node.get("constats")):
            codes = _strs(c.get("indicateurs"))
            constats.append(
                {
                    "id": _str(c.get("id")),
                    "libelle": _str(c.get("libelle")),
                    "indicateurs": [
                        {
                            "code": code,
                            "libelle": (by_code.get(code) or {}).get("libelle") or code,
                            "connu": code in by_code,
                        }
                        for code in codes
                    ],
                }
            )
        sources = sorted({i["source"] for i in indicators if i["source"]}, key=_sort_key_fr)
        years = sorted({i["annee"] for i in indicators if isinstance(i["annee"], int)})
        return {
            "methode": _str(node.get("methode")),
            "indicateurs": indicators,
            "par_code": by_code,
            "themes": themes,
            "constats": constats,
            "par_constat": {c["id"]: c for c in constats if c["id"]},
            "sources": sources,
            "annees": years,
            "graphiques": [g for t in themes for g in t["graphiques"]],
        }

    # -- priorities ------------------------------------------------------------------------

    def priorities(self, diagnostic: dict) -> dict:
        node = self.section("priorites")
        by_constat = diagnostic["par_constat"]
        problems = []
        for p in _dicts(node.get("problematiques")):
            ids = _strs(p.get("constats"))
            mission = _str(p.get("mission"))
            problems.append(
                {
                    "id": _str(p.get("id")),
                    "libelle": _str(p.get("libelle")),
                    "constats": [
                        {"id": c, "libelle": (by_constat.get(c) or {}).get("libelle")} for c in ids
                    ],
                    "mission": mission,
                    "mission_libelle": self.mission_label(mission),
                }
            )
        reasons = _dict(node.get("missions_sans_problematique"))
        by_mission = []
        for m in self.rules.missions.values():
            members = [p for p in problems if p["mission"] == m.code]
            reason = _str(reasons.get(m.code))
            if members or reason or m.socle:
                by_mission.append(
                    {
                        "code": m.code,
                        "libelle": self.mission_label(m.code),
                        "socle": m.socle,
                        "problematiques": members,
                        "raison_sans_problematique": reason,
                    }
                )
        return {
            "problematiques": problems,
            "par_id": {p["id"]: p for p in problems if p["id"]},
            "par_mission": by_mission,
        }

    # -- letter of intent ------------------------------------------------------------------

    def letter(self, territory: dict) -> dict:
        node = self.section("lettre_intention")
        recipients = _strs(node.get("destinataires"))
        if not recipients:
            recipients = [a["libelle"] for a in territory["ars"]]
        orientations_node = _dict(node.get("orientations"))
        orientations = []
        codes = list(self.rules.missions) + [
            c for c in orientations_node if c not in self.rules.missions
        ]
        for code in codes:
            text = _str(orientations_node.get(code))
            if text is None and not self.is_socle(code):
                continue
            orientations.append(
                {
                    "mission": code,
                    "libelle": self.mission_label(code),
                    "socle": self.is_socle(code),
                    "texte": text,
                }
            )
        calendar = [
            {"echeance": _date(c.get("echeance")), "etape": _str(c.get("etape"))}
            for c in _dicts(node.get("calendrier"))
        ]
        calendar.sort(key=lambda c: c["echeance"] or "")
        means = []
        for m in _dicts(node.get("moyens_demandes")):
            means.append(
                {
                    "type": _str(m.get("type")),
                    "type_libelle": _label(self.v["type_moyen"], m.get("type")),
                    "description": _str(m.get("description")),
                    "montant": _num(m.get("montant")),
                }
            )
        amounts = [m["montant"] for m in means if m["montant"] is not None]
        projects = []
        for p in _dicts(node.get("projets_existants")):
            projects.append(
                {
                    "type": _str(p.get("type")),
                    "type_libelle": _label(self.v["type_projet_existant"], p.get("type")),
                    "nom": _str(p.get("nom")),
                    "lien": _str(p.get("lien")),
                }
            )
        signatories = [self.person(s) for s in _dicts(node.get("signataires"))]
        return {
            "date": _date(node.get("date")),
            "destinataires": recipients,
            "destinataires_saisis": bool(_strs(node.get("destinataires"))),
            "orientations": orientations,
            "calendrier": calendar,
            "moyens": means,
            "total_moyens": sum(amounts) if amounts else None,
            "projets_existants": projects,
            "acteurs_a_associer": _str(node.get("acteurs_a_associer")),
            "signataires": [s for s in signatories if s],
        }

    # -- presentation ----------------------------------------------------------------------

    def presentation(self) -> dict:
        node = self.section("presentation")
        items = []
        for p in _dicts(node.get("presentations")):
            items.append(
                {
                    "date": _date(p.get("date")),
                    "instance": _str(p.get("instance")),
                    "instance_libelle": _label(self.v["instance_presentation"], p.get("instance")),
                    "participants": _str(p.get("participants")),
                    "resultat": _str(p.get("resultat")),
                    "resultat_libelle": _label(self.v["resultat_presentation"], p.get("resultat")),
                    "retours": _str(p.get("retours")),
                }
            )
        items.sort(key=lambda p: p["date"] or "")
        return {"presentations": items}

    # -- health project --------------------------------------------------------------------

    def health_project(self, priorities: dict) -> dict:
        node = self.section("projet_sante")
        items_node = _dict(node.get("items_dgos"))
        items = [
            {"code": code, "titre": title, "texte": _str(items_node.get(code))}
            for code, title in _dgos_titles()
        ]
        missions_node = _dict(node.get("missions"))
        codes = sorted(missions_node, key=lambda c: (self.mission_order(c), str(c)))
        for m in self.rules.socle():
            if m.code not in codes:
                codes.append(m.code)
        codes.sort(key=lambda c: (self.mission_order(c), str(c)))
        missions = []
        n_sheets = 0
        for code in codes:
            sheets = []
            for f in _dicts(_dict(missions_node.get(code)).get("fiches_actions")):
                cal = _dict(f.get("calendrier"))
                sheets.append(
                    {
                        "id": _str(f.get("id")),
                        "titre": _str(f.get("titre")),
                        "objectif": _str(f.get("objectif")),
                        "actions": _strs(f.get("actions")),
                        "pilote": _str(f.get("pilote")),
                        "partenaires": _strs(f.get("partenaires")),
                        "calendrier": {
                            "debut": _date(cal.get("debut")),
                            "fin": _date(cal.get("fin")),
                        },
                        "moyens": _str(f.get("moyens")),
                        "problematiques": [
                            {
                                "id": pid,
                                "libelle": (priorities["par_id"].get(pid) or {}).get("libelle"),
                            }
                            for pid in _strs(f.get("problematiques"))
                        ],
                        "indicateurs": [
                            {
                                "libelle": _str(ind.get("libelle")),
                                "valeur_initiale": _scalar(ind.get("valeur_initiale")),
                                "cible": _scalar(ind.get("cible")),
                                "unite": _str(ind.get("unite")),
                            }
                            for ind in _dicts(f.get("indicateurs"))
                        ],
                    }
                )
            n_sheets += len(sheets)
            missions.append(
                {
                    "code": code,
                    "libelle": self.mission_label(code),
                    "socle": self.is_socle(code),
                    "fiches": sheets,
                }
            )
        gov = _dict(node.get("gouvernance"))
        partnerships = [
            {
                "nom": _str(p.get("nom")),
                "type": _str(p.get("type")),
                "type_libelle": _label(self.v["type_structure"], p.get("type")),
                "objet": _str(p.get("objet")),
            }
            for p in _dicts(node.get("partenariats"))
        ]
        budget = [
            {"poste": _str(b.get("poste")), "montant": _num(b.get("montant"))}
            for b in _dicts(node.get("budget"))
        ]
        amounts = [b["montant"] for b in budget if b["montant"] is not None]
        return {
            "version": _str(node.get("version")),
            "date": _date(node.get("date")),
            "items_dgos": items,
            "items_dgos_par_code": {i["code"]: i for i in items},
            "missions": missions,
            "nb_fiches": n_sheets,
            "gouvernance": {
                "instances": _str(gov.get("instances")),
                "coordinateur": _str(gov.get("coordinateur")),
            },
            "partenariats": partnerships,
            "calendrier_deploiement": self.deployment(_dict(node.get("calendrier_deploiement"))),
            "budget": budget,
            "budget_total": sum(amounts) if amounts else None,
        }

    def deployment(self, node: dict) -> list[dict]:
        out = []
        codes = list(self.rules.missions) + [c for c in node if c not in self.rules.missions]
        for code in codes:
            entry = _dict(node.get(code))
            mission = self.rules.missions.get(code)
            if not entry and not (mission and mission.socle):
                continue
            start = _num(entry.get("demarrage_mois"))
            full = _num(entry.get("deploiement_mois"))
            max_start = (
                mission.demarrage_mois.valeur if mission and mission.demarrage_mois else None
            )
            max_full = (
                mission.deploiement_mois.valeur if mission and mission.deploiement_mois else None
            )
            ok = None
            if start is not None and full is not None:
                ok = (max_start is None or start <= max_start) and (
                    max_full is None or full <= max_full
                )
            out.append(
                {
                    "mission": code,
                    "libelle": self.mission_label(code),
                    "socle": bool(mission and mission.socle),
                    "demarrage": start,
                    "deploiement": full,
                    "max_demarrage": max_start,
                    "max_deploiement": max_full,
                    "statut_delais": mission.demarrage_mois.statut
                    if mission and mission.demarrage_mois
                    else None,
                    "conforme": ok,
                    "note": mission.note_delais if mission else None,
                }
            )
        return out

    # -- validation and contract -----------------------------------------------------------

    def validation(self) -> dict:
        node = self.section("validation")
        sent = _date(node.get("envoi_projet"))
        sent_date = _as_date(sent)
        decisions = []
        for d in _dicts(node.get("decisions")):
            decisions.append(
                {
                    "date": _date(d.get("date")),
                    "instance": _str(d.get("instance")),
                    "instance_libelle": _label(self.v["instance_decision"], d.get("instance")),
                    "decision": _str(d.get("decision")),
                    "decision_libelle": _label(self.v["decision"], d.get("decision")),
                    "commentaire": _str(d.get("commentaire")),
                }
            )
        decisions.sort(key=lambda d: d["date"] or "")
        fir = [
            {
                "objet": _str(f.get("objet")),
                "montant": _num(f.get("montant")),
                "date": _date(f.get("date")),
            }
            for f in _dicts(node.get("fir"))
        ]
        fir_amounts = [f["montant"] for f in fir if f["montant"] is not None]
        return {
            "envoi_projet": sent,
            "validation_tacite_le": add_months(sent_date, 2).isoformat() if sent_date else None,
            "decisions": decisions,
            "fir": fir,
            "fir_total": sum(fir_amounts) if fir_amounts else None,
            "contrat": self.contract(_dict(node.get("contrat"))),
        }

    def contract(self, node: dict) -> dict | None:
        from cpts_cli.referentiel.aci import contract_years

        if not node:
            return None
        missions = []
        for m in _dicts(node.get("missions")):
            code = _str(m.get("mission"))
            rule = self.rules.missions.get(code) if code else None
            indicators = []
            for ind in _dicts(m.get("indicateurs")):
                levels = []
                niveaux = _dict(ind.get("niveaux"))
                for level in ("socle", "intermediaire", "objectif"):
                    lv = _dict(niveaux.get(level))
                    if lv:
                        levels.append(
                            {
                                "niveau": level,
                                "libelle": {
                                    "socle": "Socle",
                                    "intermediaire": "Intermédiaire",
                                    "objectif": "Objectif",
                                }[level],
                                "cible": _scalar(lv.get("cible")),
                                "part": _num(lv.get("part")),
                            }
                        )
                kind = _str(ind.get("type"))
                indicators.append(
                    {
                        "id": _str(ind.get("id")),
                        "libelle": _str(ind.get("libelle")),
                        "type": kind,
                        "type_libelle": {"processus": "Processus", "resultat": "Résultat"}.get(
                            kind or "", kind
                        ),
                        "montant": _num(ind.get("montant")),
                        "niveaux": levels,
                        "preuves": _strs(ind.get("preuves")),
                        "mission": code,
                        "mission_libelle": self.mission_label(code),
                    }
                )
            missions.append(
                {
                    "code": code,
                    "libelle": self.mission_label(code),
                    "socle": bool(rule and rule.socle),
                    "fixe": _num(m.get("fixe")),
                    "variable": _num(m.get("variable")),
                    "conditionnelle": bool(rule and rule.condition_part_variable),
                    "condition": rule.condition_part_variable if rule else None,
                    "indicateurs": indicators,
                }
            )
        missions.sort(key=lambda m: self.mission_order(m["code"]))
        fonctionnement = _num(node.get("fonctionnement"))
        fixed = sum(m["fixe"] for m in missions if m["fixe"] is not None)
        variable = sum(m["variable"] for m in missions if m["variable"] is not None)
        signature = _as_date(_date(node.get("date_signature")))
        years = []
        if signature:
            n = self.rules.duree_contrat_ans.valeur or 5
            years = [
                {"index": y.index, "debut": y.start.isoformat(), "fin": y.end.isoformat()}
                for y in contract_years(signature, n)
            ]
        deadlines = []
        if signature:
            for m in missions:
                rule = self.rules.missions.get(m["code"]) if m["code"] else None
                if rule is None:
                    continue
                start = rule.demarrage_mois.valeur if rule.demarrage_mois else None
                full = rule.deploiement_mois.valeur if rule.deploiement_mois else None
                deadlines.append(
                    {
                        "mission": m["code"],
                        "libelle": m["libelle"],
                        "demarrage_mois": start,
                        "deploiement_mois": full,
                        "demarrage_le": add_months(signature, start).isoformat()
                        if start is not None
                        else None,
                        "deploiement_le": add_months(signature, full).isoformat()
                        if full is not None
                        else None,
                    }
                )
        return {
            "date_signature": _date(node.get("date_signature")),
            "fonctionnement": fonctionnement,
            "missions": missions,
            "indicateurs": [i for m in missions for i in m["indicateurs"]],
            "total_fixe": fixed,
            "total_variable": variable,
            "annees": years,
            "echeances": deadlines,
        }

    # -- implementation --------------------------------------------------------------------

    def funding(self) -> dict | None:
        """What the ACI pays and what the results earned (:mod:`cpts_cli.funding.model`)."""
        from cpts_cli.funding import model as funding

        try:
            return funding.compute(self.data, today=self.today).to_dict()
        except Exception:  # noqa: BLE001 - a draft of a broken file still renders
            return None

    def implementation(self, validation: dict, financement: dict | None) -> dict:
        node = self.section("mise_en_oeuvre")
        contract = validation["contrat"] or {"indicateurs": [], "missions": [], "annees": []}
        by_id = {i["id"]: i for i in contract["indicateurs"] if i["id"]}
        periods = {y["index"]: y for y in contract["annees"]}
        earned_years = {y["annee"]: y for y in (financement or {}).get("variable_acquise") or []}
        years = []
        for y in _dicts(node.get("annees")):
            index = _num(y.get("annee"))
            earned = earned_years.get(index) if isinstance(index, int) else None
            earned_ind = {
                i["id"]: i for m in (earned or {}).get("missions", []) for i in m["indicateurs"]
            }
            results = []
            for r in _dicts(y.get("resultats")):
                ind_id = _str(r.get("indicateur"))
                ind = by_id.get(ind_id) or {}
                level = _str(r.get("niveau_atteint"))
                money = earned_ind.get(ind_id) or {}
                results.append(
                    {
                        "indicateur": ind_id,
                        "libelle": ind.get("libelle"),
                        "type": ind.get("type"),
                        "type_libelle": ind.get("type_libelle"),
                        "mission": ind.get("mission"),
                        "mission_libelle": ind.get("mission_libelle"),
                        "niveaux": ind.get("niveaux", []),
                        "resultat": _scalar(r.get("resultat")),
                        "niveau": level,
                        "niveau_libelle": _label(self.v["niveau"], level),
                        "preuves": _strs(r.get("preuves")),
                        "montant": ind.get("montant"),
                        "part": money.get("part"),
                        "acquis": money.get("montant_acquis"),
                        "note": money.get("note"),
                    }
                )
            activity = _dict(y.get("activite"))
            period = periods.get(index) if isinstance(index, int) else None
            reported = {r["indicateur"] for r in results}
            years.append(
                {
                    "annee": index,
                    "debut": period["debut"] if period else None,
                    "fin": period["fin"] if period else None,
                    "crise_reconnue": y.get("crise_reconnue") is True,
                    "resultats": results,
                    "sans_resultat": [
                        i for i in contract["indicateurs"] if i["id"] and i["id"] not in reported
                    ],
                    "variable": earned,
                    "activite": {
                        "reunions": _scalar(activity.get("reunions")),
                        "adherents": _scalar(activity.get("adherents")),
                        "actions": _str(activity.get("actions")),
                    },
                }
            )
        years.sort(key=lambda y: y["annee"] if isinstance(y["annee"], (int, float)) else 99)
        return {"annees": years}

    # -- steps -----------------------------------------------------------------------------

    def steps(self) -> list[dict]:
        from cpts_cli.workflow.steps import STEPS

        records = self.section("etapes")
        return [
            {
                "numero": s.number,
                "id": s.id,
                "libelle": s.label,
                "terminee_le": _date(_dict(records.get(s.id)).get("terminee_le")),
            }
            for s in STEPS
        ]


#: Indicators in one chart: more would make a figure taller than a page.
CHART_SIZE = 6


def _theme_charts(code: str, label: str, chartable: list[dict]) -> list[dict]:
    """The charts of a theme: one per group of :data:`CHART_SIZE` indicators (« (1/2) »…
    in the caption when there are several)."""
    parts = [chartable[k : k + CHART_SIZE] for k in range(0, len(chartable), CHART_SIZE)]
    charts = []
    for n, part in enumerate(parts, start=1):
        suffix = f" ({n}/{len(parts)})" if len(parts) > 1 else ""
        charts.append(
            {
                "chemin": f"images/diagnostic-{_slug(code)}{f'-{n}' if n > 1 else ''}.png",
                "indicateurs": part,
                "legende": f"{label} : le territoire comparé au département, à la région et "
                f"à la France{suffix}",
            }
        )
    return charts


def _slug(text: str) -> str:
    base = unicodedata.normalize("NFKD", str(text))
    base = "".join(c for c in base if not unicodedata.combining(c)).lower()
    out = []
    for ch in base:
        out.append(ch if ch.isascii() and ch.isalnum() else "-")
    slug = "-".join(part for part in "".join(out).split("-") if part)
    return slug[:60] or "x"


def slugify(text: Any, fallback: str = "cpts") -> str:
    """A safe file or folder name (ASCII letters, digits and dashes)."""
    return _slug(text) if _str(text) and _slug(text) != "x" else fallback
