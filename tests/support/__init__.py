"""Test helpers: API client, factories."""
