"""Blueprint processing: the chain from a stored file to a sent proposal, as plain functions.

The Dagster assets in ``pipelineos_assets`` and the in-process ``pipelineos ingest`` command both call these
functions, so a blueprint processed either way leaves the same rows.
"""
