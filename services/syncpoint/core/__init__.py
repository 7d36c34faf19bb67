"""Cross-cutting infrastructure: settings, database, base model, errors, pagination, auth context."""
