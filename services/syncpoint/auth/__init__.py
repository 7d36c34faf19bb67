"""API tokens: issuing, listing, revoking, and turning a bearer token into an Actor."""
