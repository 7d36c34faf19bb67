"""The ML team's sprint loop: quality gates (Definition of Ready / Done), data readiness at
planning, sprint reviews, retrospectives and the standup digest: what sits above work, cadence,
products, blockers and the analysis."""
