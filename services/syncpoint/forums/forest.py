"""The forums as a tree, loaded whole (forums are few: tens, not thousands).

Escalation climbs `chain`; a forum's `scope` is its member teams and those of every forum below
it; a facilitator reaches the blockers of the teams in the scope of the forums they facilitate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from syncpoint.forums.models import Forum, ForumMember


@dataclass
class ForumForest:
    """Active forums and their active members, with the tree walks the rules need."""

    forums: dict[int, Forum] = field(default_factory=dict)
    members: dict[int, list[ForumMember]] = field(default_factory=dict)

    @classmethod
    def of(cls, forums: Iterable[Forum], members: Iterable[ForumMember]) -> ForumForest:
        forest = cls({f.id: f for f in forums}, {})
        for member in members:
            if member.forum_id in forest.forums:
                forest.members.setdefault(member.forum_id, []).append(member)
        return forest

    def parent(self, forum_id: int) -> Forum | None:
        """The live parent (an archived parent ends the chain: escalation goes above it)."""
        forum = self.forums.get(forum_id)
        return self.forums.get(forum.parent_id) if forum and forum.parent_id else None

    def chain(self, forum_id: int) -> list[Forum]:
        """The forum and its ancestors, bottom-up (a cycle in stored data stops the walk)."""
        path: list[Forum] = []
        current = self.forums.get(forum_id)
        while current is not None and current not in path:
            path.append(current)
            current = self.parent(current.id)
        return path

    def children(self, forum_id: int) -> list[Forum]:
        return sorted(
            (f for f in self.forums.values() if f.parent_id == forum_id), key=lambda f: f.id
        )

    def descendants(self, forum_id: int) -> list[int]:
        """The forum and every forum below it, breadth first."""
        found: list[int] = []
        frontier = [forum_id] if forum_id in self.forums else []
        while frontier:
            current = frontier.pop(0)
            if current in found:
                continue
            found.append(current)
            frontier.extend(child.id for child in self.children(current))
        return found

    def member_team_ids(self, forum_id: int) -> set[int]:
        return {m.team_id for m in self.members.get(forum_id, [])}

    def scope(self, forum_id: int) -> set[int]:
        """Member teams of the forum and of every forum below it."""
        return {t for f in self.descendants(forum_id) for t in self.member_team_ids(f)}

    def forums_of_team(self, team_id: int) -> list[Forum]:
        """Forums the team is a direct member of, by id."""
        return [
            self.forums[f]
            for f in sorted(self.members)
            if any(m.team_id == team_id for m in self.members[f])
        ]

    def facilitated(self, person_id: int | None) -> set[int]:
        """Forums the person facilitates."""
        if person_id is None:
            return set()
        return {f.id for f in self.forums.values() if f.facilitator_id == person_id}

    def facilitated_team_ids(self, person_id: int | None) -> set[int]:
        """Teams in the scope of the forums the person facilitates (forums below included)."""
        return {t for f in self.facilitated(person_id) for t in self.scope(f)}

    def owner_forum(self, forum_id: int, team_ids: Sequence[int]) -> dict[int, int]:
        """For each team in the forum's scope: the forum itself when it is a direct member,
        else the child forum whose subtree holds it."""
        owners = {t: forum_id for t in self.member_team_ids(forum_id) if t in team_ids}
        for child in self.children(forum_id):
            for team in self.scope(child.id):
                if team in team_ids:
                    owners.setdefault(team, child.id)
        return owners
