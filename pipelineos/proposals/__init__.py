"""Proposals: branded PDF rendering (Jinja2 + WeasyPrint), storage and the proposal email."""
