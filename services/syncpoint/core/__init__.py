"""Cross-cutting infrastructure: settings, database, models, errors, pagination, auth context."""
