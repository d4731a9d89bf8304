"""The diagnostic computed from official open data (``cpts diagnostic import``): each national
file (RPPS, FINESS, INSEE population by age, DREES APL) gives indicators for the territory and
for its departments, regions and France, written into ``diagnostic.indicateurs``."""
