"""The forum structure: Scrum-of-Scrums forums, their member teams and nesting, the tree walks
and the scope rules built on it. Blockers escalate through it; meetings and agendas (in
`syncpoint.scrum_of_scrums`) build on both."""
