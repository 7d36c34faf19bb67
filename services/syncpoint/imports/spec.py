"""The organisation an input describes, as plain data keyed by natural keys (slugs, e-mails),
before it is compared with the database. Every importer produces one; one writer syncs it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from syncpoint.analysis.model import DependencyType, Framework, InteractionMode
from syncpoint.imports.report import Origin
from syncpoint.products.models import ProductKind
from syncpoint.teams.models import GroupKind, MembershipRole, Topology


@dataclass
class GroupSpec:
    slug: str
    name: str
    kind: GroupKind
    origin: Origin
    description: str = ""
    parent: str | None = None


@dataclass
class TeamSpec:
    """A team; None fields are left as they are (or, for a new team, defaulted and reported)."""

    slug: str
    origin: Origin
    name: str | None = None
    group: str | None = None
    topology: Topology | None = None
    framework: Framework | None = None
    focus: str | None = None
    channels: list[str] | None = None
    ways_of_working: str | None = None


@dataclass
class PersonSpec:
    email: str
    name: str
    origin: Origin
    title: str | None = None


@dataclass
class MembershipSpec:
    email: str
    team: str
    origin: Origin
    role: MembershipRole | None = None


@dataclass
class ProductSpec:
    slug: str
    name: str
    owner: str
    origin: Origin
    kind: ProductKind | None = None
    description: str = ""
    capacity_units: int | None = None


@dataclass
class SubscriptionSpec:
    product: str
    team: str
    origin: Origin


@dataclass
class InteractionSpec:
    team: str
    partner: str
    mode: InteractionMode
    origin: Origin
    purpose: str = ""
    starts_on: date | None = None
    expected_end: date | None = None


@dataclass
class TeamDependencySpec:
    """The consumer team needs the provider team (or its product). Stored as an item-level
    dependency between one placeholder item per side, keyed by `source` so a re-run finds it."""

    consumer: str
    origin: Origin
    source: str  # what makes it one dependency: e.g. "csv:<description>" or "backstage"
    provider_team: str | None = None
    provider_product: str | None = None
    type: DependencyType = DependencyType.OK
    description: str = ""
    needed_by: date | None = None


@dataclass
class OrgSpec:
    groups: list[GroupSpec] = field(default_factory=list)
    teams: list[TeamSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)
    memberships: list[MembershipSpec] = field(default_factory=list)
    products: list[ProductSpec] = field(default_factory=list)
    subscriptions: list[SubscriptionSpec] = field(default_factory=list)
    interactions: list[InteractionSpec] = field(default_factory=list)
    dependencies: list[TeamDependencySpec] = field(default_factory=list)

    def size(self) -> int:
        return sum(
            len(part)
            for part in (
                self.groups,
                self.teams,
                self.people,
                self.memberships,
                self.products,
                self.subscriptions,
                self.interactions,
                self.dependencies,
            )
        )
