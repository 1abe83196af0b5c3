"""Authentication: password hashing, users, tokens, API keys."""
