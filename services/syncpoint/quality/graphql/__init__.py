"""GraphQL face of the quality gates."""
