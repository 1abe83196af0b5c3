"""Estimating: price catalogs, assemblies, the bid engine, fixture units and the bid lifecycle."""
