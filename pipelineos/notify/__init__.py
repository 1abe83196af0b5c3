"""Messaging: a transactional outbox, an SMTP/SMS dispatcher and the message templates."""
