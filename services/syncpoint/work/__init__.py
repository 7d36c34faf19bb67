"""ML work: backlog items, acceptance criteria, metric observations, DoR/DoD, history."""
