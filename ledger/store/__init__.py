"""Storage only: the application (streams, commits, policy as known at a moment), the unit of work, the schema,
the store URL, and the catalogue of every kind of fact."""
