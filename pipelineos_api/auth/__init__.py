"""Authentication endpoints, guards and the credential middleware."""
