"""Sync an OrgSpec into the database: create what is missing, update what differs, leave the
rest, and record one action per object. A re-run of the same input changes nothing. Refusals of
a service (a rule the input breaks) become problems of the report.

In bulk, at the size of a large organisation: what exists is read by natural key in a few
set-based SELECTs up front; new objects are built by the services' `build_*` functions (the same
rules as `create_*`, whose lookups the maps here answer) and written with one flush per kind, which
SQLAlchemy sends as multi-row INSERTs; the statements of an import grow with the number of
batches, not of objects. Updates (only what differs) still go through the services one by one."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.model import Framework, ItemKind
from syncpoint.core.auth import Actor
from syncpoint.core.errors import DomainError, Problems
from syncpoint.dependencies import service as dependencies
from syncpoint.imports import repository as repo
from syncpoint.imports.report import Origin, Outcome, Report
from syncpoint.imports.spec import OrgSpec, TeamDependencySpec, TeamSpec
from syncpoint.products import service as products
from syncpoint.products.common import live_product, live_team
from syncpoint.products.models import Product, ProductKind
from syncpoint.teams import service as teams
from syncpoint.teams.models import Group, GroupKind, MembershipRole, Person, Team, Topology
from syncpoint.teams.service.common import get_live
from syncpoint.work import keys
from syncpoint.work import service as work
from syncpoint.work.models import BacklogItem

DEFAULT_GROUP = "imported"
Progress = Callable[[int], None]


def _noop(_: int) -> None:
    return None


def dependency_keys(spec: TeamDependencySpec) -> tuple[str, str]:
    """The placeholder items' keys of a team-level dependency: stable across runs."""
    provider = spec.provider_product and f"product:{spec.provider_product}" or spec.provider_team
    digest = hashlib.sha1(
        f"{spec.consumer}|{provider}|{spec.source}".encode(), usedforsecurity=False
    ).hexdigest()[:12]
    return f"DEP-{digest.upper()}", f"DEP-{digest.upper()}-P"


class Writer:
    def __init__(
        self, session: AsyncSession, actor: Actor, report: Report, progress: Progress = _noop
    ) -> None:
        self.session = session
        self.actor = actor
        self.report = report
        self.progress = progress
        self.groups: dict[str, Group] = {}
        self.teams: dict[str, Team] = {}
        self.products: dict[str, Product] = {}

    def _refused(self, origin: Origin, exc: DomainError) -> None:
        self.report.problem(origin, exc.field or "", exc.message)

    async def sync(self, spec: OrgSpec) -> None:
        """Write `spec`: groups (parents first), teams, people, memberships, products,
        subscriptions, interactions, dependencies."""
        self.groups = await repo.groups_by_slug(self.session)
        self.teams = await repo.teams_by_slug(self.session)
        self.products = await repo.products_by_slug(self.session)
        await self._groups(spec)
        await self.session.flush()
        await self._teams(spec)
        await self.session.flush()
        await self._people(spec)
        await self._products(spec)
        await self._interactions(spec)
        await self.session.flush()
        await self._dependencies(spec)

    # ---- groups and teams -------------------------------------------------------------------

    async def _groups(self, spec: OrgSpec) -> None:
        pending = {g.slug: g for g in spec.groups}
        done: set[str] = set()

        async def sync(slug: str, path: tuple[str, ...]) -> None:
            if slug in done:
                return
            done.add(slug)
            group = pending[slug]
            if group.parent in pending and group.parent not in path:
                await sync(group.parent, (*path, slug))
            parent = self.groups.get(group.parent) if group.parent else None
            if group.parent and parent is None:
                self.report.problem(group.origin, "parent", f"Unknown parent group {group.parent}.")
            if parent is not None and parent.id is None:
                await self.session.flush()  # a parent created in this run: its id (once a level)
            parent_id = parent.id if parent else None
            existing = self.groups.get(slug)
            try:
                if existing is None:
                    if parent_id is not None:
                        await get_live(self.session, Group, parent_id, "Group", "parentId")
                    created = teams.build_group(
                        self.actor,
                        slug=slug,
                        name=group.name,
                        kind=group.kind,
                        description=group.description,
                        parent_id=parent_id,
                    )
                    self.session.add(created)
                    self.groups[slug] = created
                    self.report.record("GROUP", slug, Outcome.CREATED)
                else:
                    wanted = {
                        "name": group.name,
                        "kind": group.kind,
                        "description": group.description,
                        "parent_id": parent_id,
                    }
                    await self._update(
                        "GROUP",
                        slug,
                        existing,
                        wanted,
                        partial(teams.update_group, self.session, self.actor),
                    )
            except DomainError as exc:
                self._refused(group.origin, exc)
            self.progress(1)

        for slug in pending:
            await sync(slug, ())

    async def _update(
        self,
        kind: str,
        key: str,
        row: Any,
        wanted: dict[str, Any],
        call: Callable[[int, int, dict[str, Any]], Awaitable[Any]],
    ) -> None:
        changes = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        if changes:
            if row.id is None:
                await self.session.flush()  # created earlier in this run (a repeated entry)
            await call(row.id, row.version, changes)
            self.report.record(kind, key, Outcome.UPDATED, tuple(sorted(changes)))
        else:
            self.report.record(kind, key, Outcome.UNCHANGED)

    async def _default_group(self) -> Group:
        group = self.groups.get(DEFAULT_GROUP)
        if group is None:
            group = teams.build_group(
                self.actor,
                slug=DEFAULT_GROUP,
                name="Imported teams",
                kind=GroupKind.OTHER,
                description="Teams imported without a group.",
            )
            self.session.add(group)
            await self.session.flush()  # once: the teams that follow need its id
            self.groups[DEFAULT_GROUP] = group
            self.report.record("GROUP", DEFAULT_GROUP, Outcome.CREATED)
        return group

    def _team_values(self, team: TeamSpec) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for attr in ("name", "topology", "framework", "focus", "channels", "ways_of_working"):
            value = getattr(team, attr)
            if value is not None:
                values[attr] = value
        return values

    async def _teams(self, spec: OrgSpec) -> None:
        for team in spec.teams:
            try:
                await self._team(team)
            except DomainError as exc:
                self._refused(team.origin, exc)
            self.progress(1)

    async def _team(self, team: TeamSpec) -> None:
        group: Group | None = None
        if team.group is not None:
            group = self.groups.get(team.group)
            if group is None:
                self.report.problem(team.origin, "group", f"Unknown group {team.group}.")
        values = self._team_values(team)
        existing = self.teams.get(team.slug)
        if existing is None:
            if group is None:
                group = await self._default_group()
                self.report.default("TEAM", team.slug, "group", DEFAULT_GROUP)
            if "topology" not in values:
                values["topology"] = Topology.STREAM_ALIGNED
                self.report.default("TEAM", team.slug, "topology", Topology.STREAM_ALIGNED.value)
            if "framework" not in values:
                values["framework"] = Framework.SCRUM
                self.report.default(
                    "TEAM", team.slug, "framework", "SCRUM, no cadence: set one (setCadence)"
                )
            await get_live(self.session, Group, group.id, "Group", "groupId")
            created = teams.build_team(
                self.actor,
                slug=team.slug,
                name=values.pop("name", team.slug),
                group_id=group.id,
                values=values,
            )
            self.session.add(created)
            self.teams[team.slug] = created
            self.report.record("TEAM", team.slug, Outcome.CREATED)
            return
        if group is not None:
            values["group_id"] = group.id
        await self._update(
            "TEAM",
            team.slug,
            existing,
            values,
            partial(teams.update_team, self.session, self.actor),
        )

    # ---- people -----------------------------------------------------------------------------

    async def _people(self, spec: OrgSpec) -> None:
        emails = [p.email for p in spec.people] + [m.email for m in spec.memberships]
        people = await repo.people_by_email(self.session, emails)
        for person in spec.people:
            existing = people.get(person.email.lower())
            try:
                if existing is None:
                    created = teams.build_person(
                        self.actor, name=person.name, email=person.email, title=person.title or ""
                    )
                    self.session.add(created)
                    people[person.email.lower()] = created
                    self.report.record("PERSON", person.email, Outcome.CREATED)
                else:
                    wanted: dict[str, Any] = {"name": person.name}
                    if person.title is not None:
                        wanted["title"] = person.title
                    await self._update(
                        "PERSON",
                        person.email,
                        existing,
                        wanted,
                        partial(teams.update_person, self.session, self.actor),
                    )
            except DomainError as exc:
                self._refused(person.origin, exc)
            self.progress(1)
        await self.session.flush()
        await self._memberships(spec, people)

    async def _memberships(self, spec: OrgSpec, people: dict[str, Person]) -> None:
        memberships = await repo.active_memberships(self.session, [p.id for p in people.values()])
        for membership in spec.memberships:
            key = f"{membership.email} in {membership.team}"
            found = people.get(membership.email.lower())
            team = self.teams.get(membership.team)
            if found is None or team is None:
                missing = "person" if found is None else "team"
                self.report.problem(membership.origin, missing, f"Unknown {missing} for {key}.")
                continue
            current = memberships.get((found.id, team.id))
            try:
                if current is None:
                    role = membership.role or MembershipRole.OTHER
                    if membership.role is None:
                        self.report.default("MEMBERSHIP", key, "role", role.value)
                    await get_live(self.session, Person, found.id, "Person", "personId")
                    await get_live(self.session, Team, team.id, "Team", "teamId")
                    created = teams.build_membership(
                        self.actor, person_id=found.id, team_id=team.id, role=role
                    )
                    self.session.add(created)
                    memberships[(found.id, team.id)] = created
                    self.report.record("MEMBERSHIP", key, Outcome.CREATED)
                elif membership.role is not None and membership.role is not current.role:
                    await teams.change_membership(
                        self.session, self.actor, current.id, current.version, membership.role
                    )
                    self.report.record("MEMBERSHIP", key, Outcome.UPDATED, ("role",))
                else:
                    self.report.record("MEMBERSHIP", key, Outcome.UNCHANGED)
            except DomainError as exc:
                self._refused(membership.origin, exc)
            self.progress(1)

    # ---- products ---------------------------------------------------------------------------

    async def _products(self, spec: OrgSpec) -> None:
        for product in spec.products:
            owner = self.teams.get(product.owner)
            if owner is None:
                self.report.problem(product.origin, "owner", f"Unknown owner team {product.owner}.")
                continue
            existing = self.products.get(product.slug)
            try:
                if existing is None:
                    kind = product.kind or ProductKind.OTHER
                    if product.kind is None:
                        self.report.default("PRODUCT", product.slug, "kind", kind.value)
                    problems = Problems()
                    with problems.catch():
                        await live_team(self.session, owner.id, "ownerTeamId")
                    created = products.build_product(
                        self.actor,
                        slug=product.slug,
                        name=product.name,
                        kind=kind,
                        owner=None if problems else owner,  # archived: that is the problem
                        owner_team_id=owner.id,
                        description=product.description,
                        capacity_units=product.capacity_units,
                        problems=problems,
                    )
                    self.session.add(created)
                    self.products[product.slug] = created
                    self.report.record("PRODUCT", product.slug, Outcome.CREATED)
                else:
                    wanted: dict[str, Any] = {
                        "name": product.name,
                        "description": product.description,
                        "owner_team_id": owner.id,
                    }
                    if product.capacity_units is not None:
                        wanted["capacity_units"] = product.capacity_units
                    if product.kind is not None and product.kind is not existing.kind:
                        self.report.problem(
                            product.origin,
                            "kind",
                            f"A product's kind does not change ({existing.kind.value} kept).",
                            invalid=False,
                        )
                    await self._update(
                        "PRODUCT",
                        product.slug,
                        existing,
                        wanted,
                        partial(products.update_product, self.session, self.actor),
                    )
            except DomainError as exc:
                self._refused(product.origin, exc)
            self.progress(1)
        await self.session.flush()
        subscriptions = await repo.active_subscriptions(self.session)
        for sub in spec.subscriptions:
            key = f"{sub.team} consumes {sub.product}"
            found = self.products.get(sub.product)
            team = self.teams.get(sub.team)
            if found is None or team is None:
                missing = "product" if found is None else "team"
                self.report.problem(sub.origin, missing, f"Unknown {missing} for {key}.")
                continue
            if (found.id, team.id) in subscriptions:
                self.report.record("SUBSCRIPTION", key, Outcome.UNCHANGED)
                continue
            try:
                await live_product(self.session, found.id)
                await live_team(self.session, team.id, "teamId")
                self.session.add(
                    products.build_subscription(self.actor, product=found, team_id=team.id)
                )
                subscriptions.add((found.id, team.id))
                self.report.record("SUBSCRIPTION", key, Outcome.CREATED)
            except DomainError as exc:
                self._refused(sub.origin, exc)
            self.progress(1)

    # ---- interactions and dependencies ------------------------------------------------------

    async def _interactions(self, spec: OrgSpec) -> None:
        existing = await repo.open_interactions(self.session)
        for spec_ in spec.interactions:
            key = f"{spec_.team} {spec_.mode.value} {spec_.partner}"
            team, partner = self.teams.get(spec_.team), self.teams.get(spec_.partner)
            if team is None or partner is None:
                missing = spec_.team if team is None else spec_.partner
                self.report.problem(spec_.origin, "team", f"Unknown team {missing} in {key}.")
                continue
            current = existing.get((team.id, partner.id, spec_.mode.value))
            try:
                if current is None:
                    if team.id != partner.id:
                        await get_live(self.session, Team, team.id, "Team", "teamId")
                        await get_live(self.session, Team, partner.id, "Team", "partnerId")
                    created = teams.build_interaction(
                        self.actor,
                        team_id=team.id,
                        partner_id=partner.id,
                        mode=spec_.mode,
                        purpose=spec_.purpose,
                        starts_on=spec_.starts_on,
                        expected_end=spec_.expected_end,
                    )
                    self.session.add(created)
                    existing[(team.id, partner.id, spec_.mode.value)] = created
                    self.report.record("INTERACTION", key, Outcome.CREATED)
                else:
                    wanted = {"purpose": spec_.purpose, "expected_end": spec_.expected_end}
                    await self._update(
                        "INTERACTION",
                        key,
                        current,
                        wanted,
                        partial(teams.update_interaction, self.session, self.actor),
                    )
            except DomainError as exc:
                self._refused(spec_.origin, exc)
            self.progress(1)

    async def _dependencies(self, spec: OrgSpec) -> None:
        """Two passes: the placeholder items every new dependency needs (one flush gives them
        ids), then the dependencies (one more flush)."""
        keys_ = [k for d in spec.dependencies for k in dependency_keys(d)]
        items = await repo.items_by_key(self.session, keys_)
        existing = set(items)
        open_ = await repo.open_dependencies_of(self.session, [i.id for i in items.values()])
        planned: set[str] = set()  # consumer keys that get their dependency in this run
        resolved: list[_Resolved] = []
        for dep in spec.dependencies:
            try:
                found = self._resolve(dep, items, open_, planned)
                if found is not None:
                    resolved.append(found)
            except DomainError as exc:
                self._refused(dep.origin, exc)
            self.progress(1)
        await self.session.flush()
        for found in resolved:
            try:
                await self._dependency(found, items, open_)
            except DomainError as exc:
                self._refused(found.spec.origin, exc)
        await keys.note_explicit_keys(self.session, [k for k in items if k not in existing])

    def _item(self, items: dict[str, BacklogItem], key: str, team: Team, title: str) -> None:
        if key not in items:
            item = work.build_item(
                self.actor,
                team_id=team.id,
                title=title[:300],
                kind=ItemKind.ENGINEERING,
                values={},
                key=key,
            )
            self.session.add(item)
            items[key] = item

    def _resolve(
        self,
        dep: TeamDependencySpec,
        items: dict[str, BacklogItem],
        open_: dict[int, Any],
        planned: set[str],
    ) -> _Resolved | None:
        """Check the dependency's teams and product, and build the placeholder items it needs."""
        provider_name = dep.provider_product or dep.provider_team or ""
        consumer = self.teams.get(dep.consumer)
        product = self.products.get(dep.provider_product) if dep.provider_product else None
        provider = self.teams.get(dep.provider_team) if dep.provider_team else None
        if consumer is None:
            self.report.problem(dep.origin, "consumer", f"Unknown consumer team {dep.consumer}.")
            return None
        if product is None and provider is None:
            self.report.problem(dep.origin, "provider", f"Unknown provider {provider_name}.")
            return None
        consumer_key, provider_key = dependency_keys(dep)
        what = dep.description or "a team-level dependency"
        self._item(items, consumer_key, consumer, f"Needs from {provider_name}: {what}")
        consumer_item = items[consumer_key]
        has_open = consumer_item.id is not None and consumer_item.id in open_
        if not has_open and consumer_key not in planned and product is None:
            assert provider is not None
            self._item(items, provider_key, provider, f"Provides to {dep.consumer}: {what}")
        planned.add(consumer_key)
        key = f"{dep.consumer} -> {provider_name}"
        return _Resolved(dep, key, consumer_key, provider_key, product)

    async def _dependency(
        self, found: _Resolved, items: dict[str, BacklogItem], open_: dict[int, Any]
    ) -> None:
        dep = found.spec
        consumer_item = items[found.consumer_key]
        current = open_.get(consumer_item.id)
        if current is None:
            provider_item_id = None if found.product else items[found.provider_key].id
            created = dependencies.build_dependency(
                self.actor,
                consumer=consumer_item,
                provider_item_id=provider_item_id,
                type=dep.type,
                needed_by=dep.needed_by,
                description=dep.description,
                provider_product_id=found.product.id if found.product is not None else None,
            )
            self.session.add(created)
            open_[consumer_item.id] = created
            self.report.record("DEPENDENCY", found.key, Outcome.CREATED)
            return
        wanted = {"type": dep.type, "needed_by": dep.needed_by, "description": dep.description}
        await self._update(
            "DEPENDENCY",
            found.key,
            current,
            wanted,
            partial(dependencies.update_dependency, self.session, self.actor),
        )


@dataclass(frozen=True)
class _Resolved:
    """A team-level dependency whose teams (and product) exist, with its placeholder items."""

    spec: TeamDependencySpec
    key: str
    consumer_key: str
    provider_key: str
    product: Product | None
