"""Rules of the organisation context. Functions take (session, actor, ...) and never commit.

One module per part: `structure` (groups, teams), `people` (people, memberships),
`interactions`; `common` holds validation and the permission rows.
"""

from __future__ import annotations

from syncpoint.teams.service.common import (
    ADD_MEMBERSHIP,
    ARCHIVE_GROUP,
    ARCHIVE_PERSON,
    ARCHIVE_TEAM,
    CHANGE_MEMBERSHIP,
    CREATE_GROUP,
    CREATE_PERSON,
    CREATE_TEAM,
    END_INTERACTION,
    REMOVE_MEMBERSHIP,
    START_INTERACTION,
    UPDATE_GROUP,
    UPDATE_INTERACTION,
    UPDATE_PERSON,
    UPDATE_TEAM,
)
from syncpoint.teams.service.interactions import (
    build_interaction,
    end_interaction,
    start_interaction,
    update_interaction,
)
from syncpoint.teams.service.people import (
    add_membership,
    archive_person,
    build_membership,
    build_person,
    change_membership,
    create_person,
    remove_membership,
    update_person,
)
from syncpoint.teams.service.structure import (
    archive_group,
    archive_team,
    build_group,
    build_team,
    create_group,
    create_team,
    update_group,
    update_team,
)

__all__ = [
    "ADD_MEMBERSHIP",
    "ARCHIVE_GROUP",
    "ARCHIVE_PERSON",
    "ARCHIVE_TEAM",
    "CHANGE_MEMBERSHIP",
    "CREATE_GROUP",
    "CREATE_PERSON",
    "CREATE_TEAM",
    "END_INTERACTION",
    "REMOVE_MEMBERSHIP",
    "START_INTERACTION",
    "UPDATE_GROUP",
    "UPDATE_INTERACTION",
    "UPDATE_PERSON",
    "UPDATE_TEAM",
    "add_membership",
    "archive_group",
    "archive_person",
    "archive_team",
    "build_group",
    "build_interaction",
    "build_membership",
    "build_person",
    "build_team",
    "change_membership",
    "create_group",
    "create_person",
    "create_team",
    "end_interaction",
    "remove_membership",
    "start_interaction",
    "update_group",
    "update_interaction",
    "update_person",
    "update_team",
]
