"""Takeoff engine: find plumbing fixtures on vector, scanned and CAD drawings."""
