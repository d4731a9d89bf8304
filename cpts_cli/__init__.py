"""cpts — accompagner la création d'une CPTS, du territoire au contrat ACI."""

__version__ = "0.1.0"
