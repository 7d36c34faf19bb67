"""Insights: the dependency analysis engine's face (GraphQL, exports, web view)."""
