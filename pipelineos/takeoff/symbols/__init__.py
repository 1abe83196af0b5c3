"""Symbol search: the built-in fixture library, exemplar loading and page-level search."""
