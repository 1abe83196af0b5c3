"""Blueprints: uploaded drawing files, their pages and their processing status."""
