"""Bid, proposal and price-catalog endpoints."""
