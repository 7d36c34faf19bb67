"""ML work: backlog items, acceptance criteria, metric observations, Definition of Ready/Done, history."""
