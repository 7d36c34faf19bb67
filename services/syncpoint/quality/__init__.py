"""Quality gates (Definition of Ready / Done enforced or advisory), data readiness at planning and
their reports: the rules that sit above work, cadence, products and the analysis."""
