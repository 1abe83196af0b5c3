"""Analytics endpoints."""
