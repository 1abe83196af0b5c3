"""Database access: embedded server, connection pool, named queries, migrations."""

from pipelineos.db.pool import close_pool, connection, database_url, get_pool
from pipelineos.db.queries import load_queries

__all__ = ["close_pool", "connection", "database_url", "get_pool", "load_queries"]
