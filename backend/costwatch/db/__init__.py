"""Database plumbing: engine, sessions, the data version and the generic repository."""
