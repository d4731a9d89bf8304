"""Finding codes of ``cpts actors import`` (area ``A``): problems found in the *source* file.

Their ``line`` and ``column`` point into the imported file (the RPPS extraction or the
sheet), not into ``cpts.yaml``; their ``path`` is empty.
"""

from __future__ import annotations

from cpts_cli.checking.codes import define

A_FIELD_COUNT = define(
    "CPTS-A001",
    "error",
    "Ligne au nombre de champs incorrect",
    "{detail}",
    """
    Chaque ligne du fichier importé doit avoir autant de champs que la ligne d'en-tête ; une
    ligne coupée (fichier tronqué, retour à la ligne dans une adresse) ou décalée (séparateur
    en trop) est ignorée, les autres lignes sont importées.

    Incorrect : une ligne de 40 champs dans une extraction RPPS dont l'en-tête en compte 56.
    Correct : une ligne de 56 champs séparés par « | ».
    """,
)
A_UNKNOWN_COLUMN = define(
    "CPTS-A002",
    "warning",
    "Colonne non reconnue",
    "{detail}",
    """
    Les colonnes d'un tableau sont reconnues par leur nom (sans tenir compte des majuscules,
    des accents ni des espaces) : nom, prénom, profession, commune ou code commune (INSEE),
    code postal, courriel, téléphone, numéro RPPS, mode d'exercice, structure, rôle. Une
    colonne au nom inconnu est ignorée ; renommez-la pour l'importer.

    Incorrect (avertissement) : une colonne « Remarques ». Correct : « Courriel », « E-mail »
    ou « Adresse mail » pour les adresses électroniques.
    """,
)
A_PROFESSION = define(
    "CPTS-A003",
    "warning",
    "Profession non reconnue",
    "{detail}",
    """
    La profession est reconnue par son code RPPS (60 = infirmier…) ou par son nom (« IDE »,
    « Infirmière », « Kiné », « Médecin généraliste »…). Sinon l'acteur est importé sans
    profession, à choisir dans la liste (« cpts validate » le signale).

    Incorrect (avertissement) : « Soignant ». Correct : « Infirmier » ou
    « infirmier ».
    """,
)
A_IDENTIFIER = define(
    "CPTS-A004",
    "warning",
    "Numéro RPPS invalide ou absent",
    "{detail}",
    """
    Un numéro RPPS a 11 chiffres. Un autre identifiant (ADELI à 9 chiffres, numéro mal
    recopié) n'est pas repris : l'acteur est importé sans numéro RPPS et reconnu à
    l'import suivant par son nom et son prénom.

    Incorrect (avertissement) : `1010123456` (10 chiffres). Correct : `10101234567`.
    """,
)
A_COMMUNE = define(
    "CPTS-A005",
    "warning",
    "Commune d'exercice incertaine",
    "{detail}",
    """
    La commune d'exercice vient du code commune de la structure ; quand il manque, du code
    postal, qui peut desservir plusieurs communes : l'outil prend celle dont le nom figure
    dans l'adresse, sinon il laisse la commune vide et le dit. Dans un tableau, une commune
    inconnue ou hors du territoire est signalée ; l'acteur est importé quand même.

    Incorrect (avertissement) : code postal 21110 sans code commune ni nom de commune (il
    dessert plusieurs communes du territoire). Correct : code commune 21292.
    """,
)
A_MISSING_NAME = define(
    "CPTS-A006",
    "warning",
    "Ligne sans nom",
    "Ligne sans nom de famille : elle est ignorée.",
    """
    Un acteur a au moins un nom de famille ; une ligne qui n'en a pas est ignorée.

    Incorrect (avertissement) : une ligne dont seule la colonne « Profession » est remplie.
    Correct : une ligne avec « Nom » et « Profession ».
    """,
)
A_DUPLICATE = define(
    "CPTS-A007",
    "info",
    "Même professionnel sur plusieurs lignes",
    "{detail}",
    """
    Un professionnel peut figurer sur plusieurs lignes (une par lieu d'activité dans
    l'extraction RPPS, ou une ligne recopiée deux fois dans un tableau) : il n'est importé
    qu'une fois. Plusieurs lieux d'exercice, en libéral et en salarié, donnent le mode
    « mixte ».
    """,
)
A_VALUE = define(
    "CPTS-A008",
    "warning",
    "Valeur non reconnue",
    "{detail}",
    """
    Une valeur d'une colonne reconnue n'a pas pu être lue (mode d'exercice autre que
    libéral, salarié ou mixte ; adresse électronique sans « @ ») : elle n'est pas importée.

    Incorrect (avertissement) : mode d'exercice « temps partiel ». Correct : « libéral »,
    « salarié » ou « mixte ».
    """,
)
A_ENCODING = define(
    "CPTS-A009",
    "warning",
    "Ligne dans un autre encodage que le fichier",
    "{detail}",
    """
    Un fichier est lu dans son encodage (UTF-8, ou windows-1252 pour un export d'Excel) ; une
    ligne qui n'est pas dans cet encodage (lignes ajoutées depuis un autre logiciel, deux
    fichiers mis bout à bout) est lue dans l'encodage qui la décode, jamais de travers : les
    accents restent justes, mais vérifiez-la.

    Incorrect (avertissement) : un tableau en UTF-8 dont une ligne « Dupönt » a été
    ajoutée en windows-1252. Correct : tout le fichier enregistré dans le même encodage.
    """,
)
