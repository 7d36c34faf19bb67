"""Time: cadences, service-level expectations, sprints, planning and closing with carry-over."""
