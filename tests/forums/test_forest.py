"""The forum tree the escalation and the facilitator scope walk, on plain rows (no database):
a chain climbs to the top, a scope reaches every forum below, a cycle in stored data ends."""

from __future__ import annotations

from datetime import date, time

from syncpoint.forums.forest import ForumForest
from syncpoint.forums.models import Forum, ForumMember


def forum(forum_id: int, parent_id: int | None, facilitator_id: int = 1) -> Forum:
    return Forum(
        id=forum_id,
        name=f"F{forum_id}",
        facilitator_id=facilitator_id,
        parent_id=parent_id,
        meeting_weekdays=["MONDAY"],
        meeting_time=time(9, 0),
    )


def member(forum_id: int, team_id: int) -> ForumMember:
    return ForumMember(
        forum_id=forum_id, team_id=team_id, representative_id=team_id, added_on=date(2027, 1, 4)
    )


def tree() -> ForumForest:
    # top (1, facilitated by 9) <- middle (2) <- two leaves (3, 4); team 10 in 1, 20 in 2,
    # 30 in 3, 40 in 4; a member of an unknown forum (99) is left out.
    return ForumForest.of(
        [forum(1, None, facilitator_id=9), forum(2, 1), forum(3, 2), forum(4, 2)],
        [member(1, 10), member(2, 20), member(3, 30), member(4, 40), member(99, 50)],
    )


def test_a_chain_climbs_from_the_forum_to_the_top():
    # given a three-level tree
    forest = tree()

    # when the escalation chain of a leaf is walked
    chain = forest.chain(3)

    # then it names the leaf, its parent and the top, bottom-up
    assert [f.id for f in chain] == [3, 2, 1]
    assert forest.parent(1) is None


def test_a_scope_holds_the_member_teams_of_every_forum_below():
    forest = tree()

    assert forest.descendants(2) == [2, 3, 4]
    assert forest.scope(2) == {20, 30, 40}
    assert forest.scope(1) == {10, 20, 30, 40}
    assert forest.scope(99) == set()


def test_a_facilitator_reaches_the_teams_below_the_forums_they_run():
    forest = tree()

    assert forest.facilitated(9) == {1}
    assert forest.facilitated_team_ids(9) == {10, 20, 30, 40}
    assert forest.facilitated_team_ids(None) == set()


def test_each_team_in_scope_is_owned_by_the_forum_or_the_child_whose_subtree_holds_it():
    forest = tree()

    assert forest.owner_forum(1, [10, 30, 40, 77]) == {10: 1, 30: 2, 40: 2}
    assert [f.id for f in forest.forums_of_team(30)] == [3]


def test_a_cycle_in_stored_data_ends_the_walks():
    # given two forums that name each other as parent (stored data gone wrong)
    forest = ForumForest.of([forum(1, 2), forum(2, 1)], [member(1, 10), member(2, 20)])

    # when the chain and the scope are walked, then each forum is visited once
    assert [f.id for f in forest.chain(1)] == [1, 2]
    assert forest.descendants(1) == [1, 2]
    assert forest.scope(1) == {10, 20}
