"""Audit log: who did what to which record, with the request id."""
