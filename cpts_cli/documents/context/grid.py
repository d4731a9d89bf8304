"""The ACI grid for the CPTS's size, next to the signed contract (dossier ACI, « Le financement »).

One line per post of the contract (fonctionnement, then each mission): the contract's fixed and
variable amounts and what the ACI data file gives for the tier, each grid figure pointing to a
numbered source note; then the differences between the contract and the grid. Numbers only:
the template formats them.
"""

from __future__ import annotations

from cpts_cli.referentiel import aci as _aci

#: How a reviewer is told what a grid figure is worth, by status (a figure without value is
#: fixed by the text but was read in no source).
QUALITY = {
    _aci.SUR: "Texte ou page officielle",
    _aci.PRESSE: "Chiffre rapporté par la presse spécialisée, non relu dans le texte de "
    "l'accord : à confirmer",
    _aci.A_VERIFIER: "Chiffre d'un projet de texte ou d'une lecture non confirmée : à confirmer",
    _aci.EXEMPLE: "Contrat d'une autre CPTS, donné pour exemple : à confirmer",
}
UNREAD = (
    "Montant publié au Journal officiel, non relevé dans les sources consultées : le montant "
    "du contrat est à confirmer avec le texte de l'accord"
)


class _Notes:
    """The numbered source notes, one per distinct source and reading."""

    def __init__(self) -> None:
        self.notes: list[dict] = []
        self._index: dict[tuple, int] = {}

    def number(self, fig: _aci.Figure) -> int:
        unread = fig.valeur is None and not fig.lectures
        key = (fig.source, fig.note, fig.statut, fig.url, unread)
        if key not in self._index:
            self.notes.append(
                {
                    "numero": len(self.notes) + 1,
                    "source": fig.source,
                    "url": fig.url,
                    "note": None if unread else fig.note,
                    "qualite": UNREAD if unread else QUALITY.get(fig.statut, QUALITY[_aci.PRESSE]),
                    "officielle": fig.statut == _aci.SUR and not unread,
                }
            )
            self._index[key] = len(self.notes)
        return self._index[key]


def grid(src, contract: dict | None, taille: int | None) -> dict | None:
    """The grid of the tier next to the contract, or None without a contract or a tier."""
    if not contract or not taille:
        return None
    g = _Grid(src.rules, taille)
    fonct = g.rules.fonctionnement.get(taille)
    lines = [
        {
            "libelle": "Fonctionnement",
            "fixe": contract["fonctionnement"],
            "variable": None,
            "grille": [g.cell("montant", fonct)] if fonct is not None else [],
        }
    ]
    if fonct is not None:
        g.gap("Fonctionnement", "montant", contract["fonctionnement"], fonct)
    lines += [g.mission(m) for m in contract["missions"] if m["code"] in g.rules.missions]
    plafond = g.rules.plafonds.get(taille)
    known = plafond is not None and plafond.valeur is not None
    total = (contract["fonctionnement"] or 0) + contract["total_fixe"] + contract["total_variable"]
    plafond_cells = [g.cell("plafond", plafond)] if known else []
    if known and total > plafond.valeur:
        g.gap("Total annuel", "plafond", total, plafond)
    return {
        "taille": taille,
        "lignes": lines,
        "plafond": plafond_cells,
        "ecarts": g.gaps,
        "notes": g.notes.notes,
        "chiffres": any(c["valeur"] is not None for li in lines for c in li["grille"]),
        "non_compares": g.unchecked,
    }


class _Grid:
    def __init__(self, rules: _aci.AciVersion, taille: int) -> None:
        self.rules = rules
        self.taille = taille
        self.notes = _Notes()
        self.gaps: list[dict] = []
        self.unchecked = 0  # grid figures without the contract amount to compare

    def cell(self, name: str, fig: _aci.Figure) -> dict:
        return {"part": name, "valeur": fig.valeur, "note": self.notes.number(fig)}

    def gap(self, libelle: str, name: str, amount, fig: _aci.Figure) -> None:
        """A difference between the contract and a grid figure that has a value."""
        if amount is None and fig.valeur is not None:
            self.unchecked += 1
        if amount is None or fig.valeur is None or amount == fig.valeur:
            return
        self.gaps.append(
            {
                "libelle": libelle,
                "part": name,
                "contrat": amount,
                "grille": fig.valeur,
                "ecart": abs(amount - fig.valeur),
                "au_dessus": amount > fig.valeur,
                "note": self.notes.number(fig),
                "confirme": fig.statut in _aci.SOURCED,
            }
        )

    def mission(self, m: dict) -> dict:
        given = self.rules.grid_parts(m["code"], self.taille)
        unread = self.rules.montant_non_publie
        if "total" in given:
            cells = [self.cell("total", given["total"])]
            both = None if m["fixe"] is None or m["variable"] is None else m["fixe"] + m["variable"]
            self.gap(m["libelle"], "total", both, given["total"])
        elif given:
            cells = [self.cell(name, given.get(name) or unread) for name in ("fixe", "variable")]
            for name in ("fixe", "variable"):
                if name in given:
                    self.gap(m["libelle"], name, m[name], given[name])
        else:
            cells = [self.cell("non_releve", unread)]
        return {
            "libelle": m["libelle"],
            "socle": m["socle"],
            "fixe": m["fixe"],
            "variable": m["variable"],
            "conditionnelle": m["conditionnelle"],
            "grille": cells,
        }
