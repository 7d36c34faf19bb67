"""Scrum of Scrums: forums of teams, meetings with generated agendas, decisions, action items."""
