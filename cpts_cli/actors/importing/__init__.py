"""Importing actors: the public RPPS extraction or a sheet, into ``mobilisation.acteurs``.

``source`` finds what the file is; ``rpps`` (streaming, filtered to the territory) and
``sheet`` (CSV, XLSX) read it into ``model.Activity`` rows; ``model.aggregate`` makes one
actor per professional; ``merge`` writes them into the round-trip tree; ``run`` ties it
together (``import_actors``). Finding codes: ``codes`` (area A).
"""
