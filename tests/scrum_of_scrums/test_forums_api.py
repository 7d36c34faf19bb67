"""Forums through GraphQL: members with representatives, cadence, nesting without cycles."""

from __future__ import annotations

from syncpoint.core.auth import Role
from syncpoint.teams.models import MembershipRole
from tests.support.api import nodes
from tests.support.factories import make_member, make_person, make_team
from tests.support.sos_factories import make_forum
from tests.support.work_factories import gid

CREATE = """
mutation($input: CreateForumInput!) {
  createForum(input: $input) {
    forum { id name weekdays meetingTime timeZone durationMinutes version
            facilitator { name } parent { name }
            members { edges { node { team { slug } representative { name } } } } }
    errors { field code message }
  }
}"""

UPDATE = """
mutation($input: UpdateForumInput!) {
  updateForum(input: $input) { forum { name version parent { name } chain { name } }
                               errors { field code } }
}"""

ADD = """
mutation($input: AddForumMemberInput!) {
  addForumMember(input: $input) { member { id version team { slug } } errors { field code } }
}"""

REMOVE = """
mutation($input: RemoveForumMemberInput!) {
  removeForumMember(input: $input) { member { removedOn } errors { field code } }
}"""

CHANGE_REP = """
mutation($input: ChangeRepresentativeInput!) {
  changeRepresentative(input: $input) { member { representative { name } } errors { field code } }
}"""

ARCHIVE = """
mutation($input: ArchiveForumInput!) {
  archiveForum(input: $input) { forum { archivedAt } errors { field code } }
}"""

FORUM = """
query($id: ID!) {
  forum(id: $id) {
    name children { name }
    members(includeRemoved: true) { edges { node { team { slug } removedOn } } }
    nextMeetings(count: 3, fromDate: "2027-03-01") calendarPath
  }
}"""


async def test_create_forum_with_members_and_read_it_back(api, session):
    ranking, features = await make_team(session), await make_team(session)
    rep_r = await make_member(session, ranking, MembershipRole.SCRUM_MASTER)
    rep_f = await make_member(session, features, MembershipRole.PRODUCT_OWNER)
    facilitator = await make_person(session)
    await api.login(Role.DIRECTOR)

    payload = (
        await api.gql(
            CREATE,
            {
                "input": {
                    "name": "Discovery SoS",
                    "facilitatorId": gid("Person", facilitator.id),
                    "weekdays": ["WEDNESDAY", "MONDAY"],
                    "meetingTime": "09:30:00",
                    "timeZone": "Europe/Berlin",
                    "members": [
                        {
                            "teamId": gid("Team", ranking.id),
                            "representativeId": gid("Person", rep_r.id),
                        },
                        {
                            "teamId": gid("Team", features.id),
                            "representativeId": gid("Person", rep_f.id),
                        },
                    ],
                }
            },
        )
    )["createForum"]

    forum = payload["forum"]
    assert payload["errors"] == []
    assert forum["weekdays"] == ["MONDAY", "WEDNESDAY"]
    assert forum["durationMinutes"] == 15
    assert forum["facilitator"]["name"] == facilitator.name
    assert {(m["team"]["slug"], m["representative"]["name"]) for m in nodes(forum["members"])} == {
        (ranking.slug, rep_r.name),
        (features.slug, rep_f.name),
    }
    read = (await api.gql(FORUM, {"id": forum["id"]}))["forum"]
    # 2027-03-01 is a Monday; 09:30 in Berlin is 08:30 UTC in winter.
    assert read["nextMeetings"] == [
        "2027-03-01T08:30:00+00:00",
        "2027-03-03T08:30:00+00:00",
        "2027-03-08T08:30:00+00:00",
    ]
    assert read["calendarPath"].endswith(".ics")


async def test_invalid_forums_are_refused_with_codes(api, session):
    team, other = await make_team(session), await make_team(session)
    stranger = await make_member(session, other)
    facilitator = await make_person(session)
    await api.login(Role.ADMIN)
    base = {
        "name": "SoS",
        "facilitatorId": gid("Person", facilitator.id),
        "weekdays": ["MONDAY"],
        "meetingTime": "09:00:00",
    }
    member = {"teamId": gid("Team", team.id), "representativeId": gid("Person", stranger.id)}
    cases = [
        ({**base, "members": [member]}, "members[0].representativeId", "INVALID"),
        ({**base, "weekdays": []}, "weekdays", "REQUIRED"),
        ({**base, "timeZone": "Mars/Olympus"}, "timeZone", "INVALID_TIMEZONE"),
        ({**base, "durationMinutes": 2}, "durationMinutes", "INVALID"),
        ({**base, "name": " "}, "name", "REQUIRED"),
        ({**base, "parentId": gid("Forum", 999999)}, "parentId", "NOT_FOUND"),
    ]
    for values, field, code in cases:
        payload = (await api.gql(CREATE, {"input": values}))["createForum"]
        assert payload["forum"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)], values


async def test_parent_chain_may_not_loop(api, session):
    top = await make_forum(session, name="Top")
    middle = await make_forum(session, parent=top, name="Middle")
    bottom = await make_forum(session, parent=middle, name="Bottom")
    await api.login(Role.ADMIN)

    loop = (
        await api.gql(
            UPDATE,
            {
                "input": {
                    "id": gid("Forum", top.id),
                    "version": top.version,
                    "parentId": gid("Forum", bottom.id),
                }
            },
        )
    )["updateForum"]
    itself = (
        await api.gql(
            UPDATE,
            {
                "input": {
                    "id": gid("Forum", top.id),
                    "version": top.version,
                    "parentId": gid("Forum", top.id),
                }
            },
        )
    )["updateForum"]
    chain = await api.gql(
        UPDATE,
        {"input": {"id": gid("Forum", bottom.id), "version": bottom.version, "name": "Bottom SoS"}},
    )

    assert loop["errors"] == [{"field": "parentId", "code": "CYCLE"}]
    assert itself["errors"] == [{"field": "parentId", "code": "SELF_REFERENCE"}]
    assert [f["name"] for f in chain["updateForum"]["forum"]["chain"]] == [
        "Bottom SoS",
        "Middle",
        "Top",
    ]


async def test_facilitator_manages_only_forums_they_facilitate(api, session):
    sam, other = await make_person(session), await make_person(session)
    mine = await make_forum(session, facilitator=sam)
    theirs = await make_forum(session, facilitator=other)
    await api.login(Role.FACILITATOR, sam.id)

    ok = await api.gql(
        UPDATE, {"input": {"id": gid("Forum", mine.id), "version": mine.version, "name": "Renamed"}}
    )
    refused = await api.errors(
        UPDATE,
        {"input": {"id": gid("Forum", theirs.id), "version": theirs.version, "name": "Mine now"}},
    )
    member = await api.errors(
        UPDATE,
        {"input": {"id": gid("Forum", mine.id), "version": 2, "name": "x"}},
        token=await _member_token(api, session),
    )

    assert ok["updateForum"]["forum"]["name"] == "Renamed"
    assert refused[0]["extensions"] == {"code": "FORBIDDEN", "reason": "SCOPE"}
    assert member[0]["extensions"] == {"code": "FORBIDDEN", "reason": "ROLE"}


async def _member_token(api, session):
    from syncpoint.auth.service import create_token

    person = await make_member(session, await make_team(session))
    issued = await create_token(session, role=Role.TEAM_MEMBER, person_id=person.id, days=1)
    await session.commit()
    return issued.secret


async def test_members_join_change_representative_and_leave_with_history(api, session):
    team = await make_team(session)
    rep, successor = await make_member(session, team), await make_member(session, team)
    forum = await make_forum(session)
    await api.login(Role.ADMIN)
    fid = gid("Forum", forum.id)

    added = await api.gql(
        ADD,
        {
            "input": {
                "forumId": fid,
                "teamId": gid("Team", team.id),
                "representativeId": gid("Person", rep.id),
            }
        },
    )
    again = await api.gql(
        ADD,
        {
            "input": {
                "forumId": fid,
                "teamId": gid("Team", team.id),
                "representativeId": gid("Person", rep.id),
            }
        },
    )
    member = added["addForumMember"]["member"]
    changed = await api.gql(
        CHANGE_REP,
        {
            "input": {
                "id": member["id"],
                "version": member["version"],
                "representativeId": gid("Person", successor.id),
            }
        },
    )
    future = await api.gql(
        REMOVE,
        {
            "input": {
                "id": member["id"],
                "version": member["version"] + 1,
                "removedOn": "2099-01-01",
            }
        },
    )
    removed = await api.gql(
        REMOVE, {"input": {"id": member["id"], "version": member["version"] + 1}}
    )

    assert again["addForumMember"]["errors"] == [{"field": "teamId", "code": "DUPLICATE"}]
    assert changed["changeRepresentative"]["member"]["representative"]["name"] == successor.name
    assert future["removeForumMember"]["errors"] == [
        {"field": "removedOn", "code": "INVALID_DATE_RANGE"}
    ]
    left_on = removed["removeForumMember"]["member"]["removedOn"]
    read = (await api.gql(FORUM, {"id": fid}))["forum"]
    assert nodes(read["members"]) == [{"team": {"slug": team.slug}, "removedOn": left_on}]


async def test_archive_refused_while_a_forum_hangs_below(api, session):
    top = await make_forum(session)
    below = await make_forum(session, parent=top)
    await api.login(Role.ADMIN)

    refused = await api.gql(
        ARCHIVE, {"input": {"id": gid("Forum", top.id), "version": top.version}}
    )
    leaf = await api.gql(
        ARCHIVE, {"input": {"id": gid("Forum", below.id), "version": below.version}}
    )
    then = await api.gql(ARCHIVE, {"input": {"id": gid("Forum", top.id), "version": top.version}})

    assert refused["archiveForum"]["errors"] == [{"field": "id", "code": "INVALID_STATE"}]
    assert leaf["archiveForum"]["forum"]["archivedAt"] is not None
    assert then["archiveForum"]["forum"]["archivedAt"] is not None


FORUM_PAGE = """
query($first: Int!) {
  forums(first: $first) {
    edges { node { name facilitator { name } parent { name } children { name }
                   members { edges { node { team { slug } representative { name } } } } } }
  }
}"""


async def test_forum_list_reads_a_fixed_number_of_statements(api, session, count_statements):
    top = await make_forum(session, name="Top")
    for n in range(3):
        teams = [await make_team(session), await make_team(session)]
        await make_forum(session, teams, parent=top, name=f"Child {n}")
    await api.login(Role.VIEWER)

    count_statements.count = 0
    await api.gql(FORUM_PAGE, {"first": 1})
    one = count_statements.count
    count_statements.count = 0
    data = await api.gql(FORUM_PAGE, {"first": 3})

    assert [e["node"]["name"] for e in data["forums"]["edges"]] == ["Child 0", "Child 1", "Child 2"]
    assert count_statements.count == one
