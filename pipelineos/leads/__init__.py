"""Leads: customer requests from the public form, their auto-reply and their sales pipeline."""
