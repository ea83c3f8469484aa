"""The private road engine behind :mod:`geo.network`: graph arrays, OSM reading, speeds, downloads and
exact many-to-many shortest paths. Nothing outside ``geo/`` imports from here."""
