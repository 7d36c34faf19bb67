"""Bringing an existing organisation in: Backstage catalogs, Team API documents, Jira exports and
dependency spreadsheets, planned and reported first (dry run), written in one transaction."""
