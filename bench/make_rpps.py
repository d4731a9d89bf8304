"""Generate a realistic RPPS extraction (``PS_LibreAcces_Personne_activite_*.txt``).

How to run (from the repository root)::

    python bench/make_rpps.py /tmp/rpps.txt                 # 2 000 000 lines, latin-1
    python bench/make_rpps.py /tmp/rpps.txt -n 100000       # fewer lines
    python bench/make_rpps.py /tmp/rpps.txt --zip           # also /tmp/rpps.zip
    python bench/make_rpps.py /tmp/rpps.txt --encoding utf-8

The file has the shape of the public extraction of the Annuaire Santé: one header row,
fields separated by ``|`` with a trailing ``|`` on every line, one line per professional ×
activity (about 3 activities per professional on average), latin-1 by default (as older
copies; today's are UTF-8). Commune codes and postcodes are real (from the reference data
shipped with ``cpts``), professionals are spread over the communes by population. About
6 % of activities have a postcode but no commune code (the reader must fall back on the
postcode), 9 % have no address at all. People, numbers and addresses are made up.
Deterministic: the same arguments give the same bytes (``--seed``).
"""

from __future__ import annotations

import argparse
import bisect
import random
import sys
import zipfile
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cpts_cli.referentiel import store  # noqa: E402

# The header of the public file as best we know it (DOMAIN.md §6 names the useful columns;
# the others are those of the extraction published in 2024-2025, 56 columns). Every line,
# the header included, ends with a "|".
HEADER = [
    "Type d'identifiant PP",
    "Identifiant PP",
    "Identification nationale PP",
    "Code civilité d'exercice",
    "Libellé civilité d'exercice",
    "Code civilité",
    "Libellé civilité",
    "Nom d'exercice",
    "Prénom d'exercice",
    "Code profession",
    "Libellé profession",
    "Code catégorie professionnelle",
    "Libellé catégorie professionnelle",
    "Code type savoir-faire",
    "Libellé type savoir-faire",
    "Code savoir-faire",
    "Libellé savoir-faire",
    "Code mode exercice",
    "Libellé mode exercice",
    "Numéro SIRET site",
    "Numéro SIREN site",
    "Numéro FINESS site",
    "Numéro FINESS établissement juridique",
    "Identifiant technique de la structure",
    "Raison sociale site",
    "Enseigne commerciale site",
    "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)",
    "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)",
    "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)",
    "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)",
    "Bureau cedex (coord. structure)",
    "Code postal (coord. structure)",
    "Code commune (coord. structure)",
    "Libellé commune (coord. structure)",
    "Code pays (coord. structure)",
    "Libellé pays (coord. structure)",
    "Téléphone (coord. structure)",
    "Téléphone 2 (coord. structure)",
    "Télécopie (coord. structure)",
    "Adresse e-mail (coord. structure)",
    "Code Département (structure)",
    "Libellé Département (structure)",
    "Ancien identifiant de la structure",
    "Autorité d'enregistrement",
    "Code secteur d'activité",
    "Libellé secteur d'activité",
    "Code section tableau pharmaciens",
    "Libellé section tableau pharmaciens",
    "Code rôle",
    "Libellé rôle",
    "Code genre activité",
    "Libellé genre activité",
]

# (code, label, weight in ‰ of professionals, registered by)
PROFESSIONS = [
    ("10", "Médecin", 230, "CNOM/CNOM/CNOM"),
    ("60", "Infirmier", 330, "ONI/ONI/ONI"),
    ("21", "Pharmacien", 75, "CNOP/CNOP/CNOP"),
    ("70", "Masseur-Kinésithérapeute", 105, "CNOMK/CNOMK/CNOMK"),
    ("40", "Chirurgien-Dentiste", 50, "CNOCD/CNOCD/CNOCD"),
    ("50", "Sage-Femme", 28, "CNOSF/CNOSF/CNOSF"),
    ("91", "Orthophoniste", 27, "ARS/ARS/ARS"),
    ("80", "Pédicure-Podologue", 16, "CNOPP/CNOPP/CNOPP"),
    ("28", "Opticien-Lunetier", 18, "ARS/ARS/ARS"),
    ("26", "Audioprothésiste", 5, "ARS/ARS/ARS"),
    ("92", "Orthoptiste", 6, "ARS/ARS/ARS"),
    ("94", "Ergothérapeute", 16, "ARS/ARS/ARS"),
    ("95", "Diététicien", 14, "ARS/ARS/ARS"),
    ("96", "Psychomotricien", 14, "ARS/ARS/ARS"),
    ("98", "Manipulateur ERM", 30, "ARS/ARS/ARS"),
    ("86", "Technicien de laboratoire médical", 12, "ARS/ARS/ARS"),
    ("81", "Orthoprothésiste", 2, "ARS/ARS/ARS"),
    ("69", "Infirmier psychiatrique", 2, "ONI/ONI/ONI"),
    ("93", "Psychologue", 20, "ARS/ARS/ARS"),
]
SAVOIR_FAIRE = [
    ("SM54", "Médecine Générale", 40),
    ("SM53", "Spécialiste en Médecine Générale", 12),
    ("SM26", "Qualifié en Médecine Générale", 6),
    ("SM02", "Anesthésie-réanimation", 6),
    ("SM04", "Cardiologie et maladies vasculaires", 5),
    ("SM15", "Gynécologie-obstétrique", 4),
    ("SM40", "Pédiatrie", 5),
    ("SM42", "Psychiatrie", 6),
    ("SM44", "Radio-diagnostic", 5),
    ("SM49", "Santé publique et médecine sociale", 2),
    ("SM38", "Ophtalmologie", 5),
]
MODES = [("L", "Libéral", 55), ("S", "Salarié", 40), ("B", "Bénévole", 5)]
SECTORS = [
    ("SA07", "Cabinet individuel"),
    ("SA08", "Cabinet de groupe"),
    ("SA01", "Etablissement public de santé"),
    ("SA33", "Etablissement privé PSPH"),
    ("SA05", "Centre de santé"),
    ("SA16", "Etablissement pour personnes âgées"),
    ("SA25", "Officine"),
]
NOMS = (
    "MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON MICHEL "
    "LEFÈVRE LEROY ROUX DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT LAMBERT FONTAINE "
    "ROUSSEAU VINCENT MÜLLER LEFEBVRE FAURE ANDRÉ MERCIER BLANC GUÉRIN BOYER GARNIER CHEVALIER "
    "FRANÇOIS LEGRAND GAUTHIER GARCIA PERRIN ROBIN CLÉMENT MORIN NICOLAS HENRY ROUSSEL "
    "MATHIEU GAUTIER MASSON MARCHAND DUVAL DENIS DUMONT MARIE LEMAIRE NOËL MEYER DUFOUR "
    "MEUNIER BRUN BLANCHARD GIRAUD JOLY RIVIÈRE LUCAS BRUNET GAILLARD BARBIER ARNAUD "
    "MARTINEZ GÉRARD ROCHE RENARD SCHMITT ROY LEROUX COLIN VIDAL CARON PICARD ROGER FABRE "
    "AUBERT LEMOINE RENAUD DUMAS LACROIX OLIVIER PHILIPPE BOURGEOIS PIERRE BENOÎT REY "
    "LECLERC PAYET ROLLAND LECLERCQ GUILLAUME LECOMTE LOPEZ JEAN DUPUY GUILLOT HUBERT BERGER "
    "CARPENTIER SANCHEZ DUPUIS MOULIN LOUIS DESCHAMPS HUET VASSEUR PEREZ BOUCHER FLEURY "
    "ROYER KLEIN JACQUET ADAM PARIS POIRIER MARTY AUBRY GUYOT CARRÉ CHARLES RENAULT "
    "CHARPENTIER MÉNARD MAILLARD BARON BERTIN BAILLY HERVÉ SCHNEIDER FERNANDEZ LE_GALL "
    "COLLET LÉGER BOUVIER JULIEN PRÉVOST MILLET PERROT DANIEL LE_ROUX COUSIN GERMAIN BRETON "
    "BESSON LANGLOIS RÉMY LE_GOFF PELLETIER LÉVÊQUE PERRIER LEBLANC BARRÉ LEBRUN MARCHAL "
    "WEBER MALLET HAMON BOULANGER JACOB MONNIER MICHAUD RODRIGUEZ GUICHARD GILLET ÉTIENNE "
    "GRONDIN POULAIN TESSIER CHEVALLIER COLLIN CHAUVIN DA_SILVA BOUCHET GAY LEMAÎTRE BÉNARD "
    "MARÉCHAL HUMBERT REYNAUD ANTOINE HOARAU PERRET BARTHÉLEMY CORDIER PICHON LEJEUNE GILBERT"
).split()
PRENOMS = (
    "MARIE JEAN PIERRE MICHEL ANDRÉ PHILIPPE NATHALIE ISABELLE CATHERINE SYLVIE FRANÇOISE "
    "MONIQUE CHRISTINE FRÉDÉRIC LAURENT NICOLAS STÉPHANE ÉRIC CHRISTOPHE DAVID OLIVIER "
    "SÉBASTIEN JULIEN THOMAS CAMILLE LÉA MANON EMMA CHLOÉ INÈS SARAH JULIE LAURA CÉLINE "
    "AURÉLIE ÉMILIE CAROLINE SOPHIE ANNE HÉLÈNE VALÉRIE SANDRINE VÉRONIQUE FLORENCE "
    "JEAN-PIERRE JEAN-LUC MARIE-CLAIRE ANNE-SOPHIE FRANÇOIS BENOÎT JÉRÔME ANTOINE HUGO "
    "LUCAS LOUIS GABRIEL RAPHAËL ARTHUR MAËLLE NOÉMIE ZOÉ CLÉMENCE MATHILDE ÉLODIE GAËLLE"
).split()
VOIES = [
    ("RUE", "Rue"),
    ("AV", "Avenue"),
    ("BD", "Boulevard"),
    ("PL", "Place"),
    ("CHE", "Chemin"),
    ("IMP", "Impasse"),
    ("RTE", "Route"),
]
NOMS_VOIES = (
    "DE LA RÉPUBLIQUE|DU GÉNÉRAL DE GAULLE|JEAN JAURÈS|VICTOR HUGO|PASTEUR|DE LA GARE|"
    "DES ÉCOLES|DU MOULIN|DE L'ÉGLISE|DES TILLEULS|GAMBETTA|DE LA PAIX|FOCH|DES LILAS|"
    "DU STADE|DE LA MAIRIE|NATIONALE|DES VIGNES|DU CHÂTEAU|SAINT-MARTIN"
).split("|")


def _weighted(items, weight):
    cum = list(accumulate(weight(i) for i in items))
    total = cum[-1]
    return items, cum, total


def _pick(rng: random.Random, table):
    items, cum, total = table
    return items[bisect.bisect_right(cum, rng.random() * total)]


def load_places() -> list[tuple[str, str, str, str, int]]:
    """(commune code, postcode, name, department, population) for every commune of France
    with a region (Paris, Lyon and Marseille by arrondissement)."""
    by_commune: dict[str, str] = {}
    for n in range(100_000):
        cp = f"{n:05d}"
        for code in store.postal_codes(cp):
            by_commune.setdefault(code, cp)
    places = []
    regions = sorted({a.region for a in store.ars_list()})
    for region in regions:
        for commune in store.communes_in(region=region, arrondissements=True):
            cp = by_commune.get(commune.code)
            if cp is None or not commune.population:
                continue
            places.append((commune.code, cp, commune.nom, commune.departement, commune.population))
    return places


def generate(path: Path, lines: int, seed: int, encoding: str) -> int:
    rng = random.Random(seed)
    places = _weighted(load_places(), lambda p: p[4])
    professions = _weighted(PROFESSIONS, lambda p: p[2])
    savoir_faire = _weighted(SAVOIR_FAIRE, lambda s: s[2])
    modes = _weighted(MODES, lambda m: m[2])
    # activities per professional, weights in %: mean ≈ 2.9
    activities_per_pp = (
        [1, 2, 3, 4, 5, 6, 8],
        list(accumulate((30, 25, 15, 12, 8, 6, 4))),
        100,
    )
    # latin-1 has no Œ, œ, Ÿ (Œuilly, L'HAŸ-LES-ROSES…): the old latin-1 copies spelled them out.
    spell = str.maketrans({"Œ": "OE", "œ": "oe", "Ÿ": "Y"}) if encoding == "latin-1" else {}
    written = 0
    serial = 0
    with open(path, "w", encoding=encoding, errors="replace", newline="\n") as out:
        out.write("|".join(HEADER) + "|\n")
        while written < lines:
            serial += 1
            prof_code, prof_label, _, authority = _pick(rng, professions)
            adeli = prof_code in ("93", "95", "96") and rng.random() < 0.5
            if adeli:
                ident_type, ident = "0", f"{rng.randrange(10**8, 10**9 - 1):09d}"
            else:
                ident_type, ident = "8", f"10{rng.randrange(10**9):09d}"
            nom = rng.choice(NOMS).replace("_", " ")
            prenom = rng.choice(PRENOMS)
            female = rng.random() < 0.6
            doctor_title = prof_code in ("10", "21", "40")
            sf = _pick(rng, savoir_faire) if prof_code == "10" else None
            home = _pick(rng, places)
            n_act = min(_pick(rng, activities_per_pp), lines - written)
            for a in range(n_act):
                # most activities are near the first one: same department, often same commune
                place = home if a == 0 or rng.random() < 0.5 else _pick(rng, places)
                code, cp, commune_nom, dep, _ = place
                mode_code, mode_label, _ = _pick(rng, modes)
                sector = rng.choice(SECTORS)
                siret = f"{rng.randrange(10**13, 10**14)}"
                finess = f"{dep[:2]}{rng.randrange(10**6, 10**7)}" if mode_code == "S" else ""
                struct_id = ("R" if mode_code == "S" else "C") + siret
                raison = (
                    f"CABINET {'DU DR ' if doctor_title else ''}{nom}"
                    if mode_code == "L"
                    else f"CENTRE HOSPITALIER DE {commune_nom.upper()}"
                )
                kind = rng.random()
                voie_code, voie_label = rng.choice(VOIES)
                address = kind < 0.91
                with_code = kind < 0.85
                fields = [
                    ident_type,
                    ident,
                    ident_type + ident,
                    "DR" if doctor_title else "",
                    "Docteur" if doctor_title else "",
                    "MME" if female else "M",
                    "Madame" if female else "Monsieur",
                    nom,
                    prenom,
                    prof_code,
                    prof_label,
                    "C",
                    "Civil",
                    "S" if sf else "",
                    "Spécialité ordinale" if sf else "",
                    sf[0] if sf else "",
                    sf[1] if sf else "",
                    mode_code,
                    mode_label,
                    siret if address else "",
                    siret[:9] if address else "",
                    finess if address else "",
                    "",
                    struct_id if address else "",
                    raison if address else "",
                    "",
                    raison if address else "",
                    "",
                    str(rng.randrange(1, 120)) if address else "",
                    "B" if address and rng.random() < 0.03 else "",
                    voie_code if address else "",
                    voie_label if address else "",
                    rng.choice(NOMS_VOIES) if address else "",
                    "",
                    f"{cp} {commune_nom.upper()}" if address else "",
                    cp if address else "",
                    code if with_code else "",
                    commune_nom if with_code else "",
                    "99000" if address else "",
                    "France" if address else "",
                    f"0{rng.randrange(1, 6)}{rng.randrange(10**8):08d}"
                    if address and rng.random() < 0.7
                    else "",
                    "",
                    "",
                    f"cabinet.{nom.lower().replace(' ', '')}{serial}@exemple.fr"
                    if address and rng.random() < 0.2
                    else "",
                    dep if address else "",
                    "",
                    ("3" + siret) if address else "",
                    authority,
                    sector[0],
                    sector[1],
                    "",
                    "",
                    "FON-01" if rng.random() < 0.1 else "",
                    "Titulaire" if rng.random() < 0.1 else "",
                    "GENR01",
                    "Activité standard de soin ou de pharmacien",
                ]
                out.write(("|".join(fields) + "|\n").translate(spell))
                written += 1
    return serial


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("-n", "--lines", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=20251101)
    parser.add_argument("--encoding", default="latin-1", choices=["latin-1", "utf-8"])
    parser.add_argument("--zip", action="store_true", help="also write OUTPUT.zip")
    args = parser.parse_args(argv)
    people = generate(args.output, args.lines, args.seed, args.encoding)
    print(f"{args.output}: {args.lines} lines, {people} professionals", file=sys.stderr)
    if args.zip:
        target = args.output.with_suffix(".zip")
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(args.output, arcname=args.output.name)
        print(f"{target}: written", file=sys.stderr)


if __name__ == "__main__":
    main()
