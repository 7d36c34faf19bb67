"""Organisation (Team Topologies): groups, teams, people, memberships, interactions."""
