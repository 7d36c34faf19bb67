"""Backstage catalog descriptor YAML -> OrgSpec.

Follows Backstage's descriptor format: entities `apiVersion: backstage.io/v1alpha1|v1beta1`,
kinds Group, User, System, Component, API, Resource, Domain and Location (followed to relative
files); entity references `[kind:][namespace/]name` with the default kind of the field (owner ->
Group, system -> System, domain -> Domain, providesApis/consumesApis -> API, parent/children/
memberOf -> Group, members -> User; dependsOn has none, so it must name its kind) and the
namespace of the referring entity (`default` unless it says otherwise).

Mapping: team groups (`spec.type` team or squad) -> teams; every other group -> a group; users
-> people and memberships; systems and components owned by one team and consumed by another
team -> products with that team subscribed; every consumption (consumesApis, dependsOn) across
two teams -> a team-level dependency. Annotations `syncpoint.io/topology`, `syncpoint.io/framework`
and `syncpoint.io/product-kind` carry what the catalog cannot say (the export writes them)."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from syncpoint.analysis.model import Framework
from syncpoint.imports.report import Origin, Report
from syncpoint.imports.sources import SourceFile, yaml_documents
from syncpoint.imports.spec import (
    GroupSpec,
    MembershipSpec,
    OrgSpec,
    PersonSpec,
    ProductSpec,
    SubscriptionSpec,
    TeamDependencySpec,
    TeamSpec,
)
from syncpoint.products.models import ProductKind
from syncpoint.teams.models import GroupKind, MembershipRole, Topology

API_VERSIONS = frozenset({"backstage.io/v1alpha1", "backstage.io/v1beta1"})
KINDS = {
    "group": "Group",
    "user": "User",
    "system": "System",
    "component": "Component",
    "api": "API",
    "resource": "Resource",
    "domain": "Domain",
    "location": "Location",
}
TEAM_TYPES = frozenset({"team", "squad"})
GROUP_KINDS = {
    "organization": GroupKind.ORGANISATION,
    "organisation": GroupKind.ORGANISATION,
    "value-stream": GroupKind.VALUE_STREAM,
    "tribe": GroupKind.TRIBE,
    "release-train": GroupKind.RELEASE_TRAIN,
}
ANNOTATION = "syncpoint.io/"
_NAME = re.compile(r"^[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*$")
_NAMESPACE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Required spec fields per kind (Backstage's JSON schemas), and their types.
_REQUIRED: dict[str, tuple[tuple[str, type], ...]] = {
    "component": (("type", str), ("lifecycle", str), ("owner", str)),
    "api": (("type", str), ("lifecycle", str), ("owner", str), ("definition", str)),
    "resource": (("type", str), ("owner", str)),
    "system": (("owner", str),),
    "domain": (("owner", str),),
    "group": (("type", str), ("children", list)),
    "user": (("memberOf", list),),
}
# Reference fields: spec field -> (default kind, is a list).
_REFS: dict[str, dict[str, tuple[str | None, bool]]] = {
    "component": {
        "owner": ("group", False),
        "system": ("system", False),
        "subcomponentOf": ("component", False),
        "providesApis": ("api", True),
        "consumesApis": ("api", True),
        "dependsOn": (None, True),
    },
    "api": {"owner": ("group", False), "system": ("system", False)},
    "resource": {"owner": ("group", False), "system": ("system", False), "dependsOn": (None, True)},
    "system": {"owner": ("group", False), "domain": ("domain", False)},
    "domain": {"owner": ("group", False), "subdomainOf": ("domain", False)},
    "group": {"parent": ("group", False), "children": ("group", True), "members": ("user", True)},
    "user": {"memberOf": ("group", True)},
}
# `relations` entries (as the catalog API returns them) -> the spec field they stand for.
_RELATIONS = {
    "ownedBy": "owner",
    "partOf": "system",
    "dependsOn": "dependsOn",
    "providesApi": "providesApis",
    "consumesApi": "consumesApis",
    "childOf": "parent",
    "parentOf": "children",
    "hasMember": "members",
    "memberOf": "memberOf",
}

Loader = Callable[[str], str | None]


@dataclass
class Entity:
    kind: str  # lower case
    namespace: str
    name: str
    document: dict[str, Any]
    origin: Origin
    refs: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.namespace}/{self.name}"

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.document.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def metadata(self) -> dict[str, Any]:
        return self.document["metadata"]

    def annotation(self, name: str) -> str | None:
        annotations = self.metadata.get("annotations") or {}
        value = annotations.get(ANNOTATION + name) if isinstance(annotations, dict) else None
        return str(value) if value is not None else None


def parse_ref(
    value: str, default_kind: str | None, default_namespace: str
) -> tuple[str, str, str] | None:
    """`[kind:][namespace/]name` -> (kind, namespace, name), with the defaults; None if no kind."""
    kind, _, rest = value.rpartition(":") if ":" in value else ("", "", value)
    namespace, _, name = rest.rpartition("/") if "/" in rest else ("", "", rest)
    kind = kind.lower() or (default_kind or "")
    if not kind or not name:
        return None
    return kind, (namespace or default_namespace).lower(), name


def slug_of(entity_namespace: str, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if entity_namespace != "default":
        slug = f"{entity_namespace}-{slug}"
    return slug[:64].strip("-")


class Catalog:
    """The entities of the files given and of the files their Locations point to."""

    def __init__(self, report: Report, loader: Loader) -> None:
        self.report = report
        self.loader = loader
        self.entities: dict[str, Entity] = {}
        self.seen_files: set[str] = set()

    def read(self, source: SourceFile) -> None:
        name = posixpath.normpath(source.name)
        if name in self.seen_files:
            return
        self.seen_files.add(name)
        for index, document in yaml_documents(source, self.report):
            entity = self._entity(source.name, index, document)
            if entity is None:
                continue
            if entity.kind == "location":
                self._follow(source.name, entity)
            elif entity.ref in self.entities:
                self.report.problem(
                    entity.origin,
                    "metadata.name",
                    f"{entity.ref} is defined twice (first in {self.entities[entity.ref].origin}).",
                )
            else:
                self.entities[entity.ref] = entity

    def _entity(self, file: str, index: int, document: dict[str, Any]) -> Entity | None:
        metadata = document.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        origin = Origin(file, index, str(name or ""))
        kind = document.get("kind")
        if isinstance(kind, str) and kind.lower() not in KINDS:
            self.report.problem(origin, "kind", f"Kind {kind} is not imported.", invalid=False)
            return None
        bad = self._envelope(document, metadata, name)
        if bad:
            self.report.problem(origin, *bad)
            return None
        assert isinstance(metadata, dict)
        kind = str(document["kind"]).lower()
        namespace = str(metadata.get("namespace") or "default")
        entity = Entity(kind, namespace, str(name), document, Origin(file, index, f"{kind}:{name}"))
        for spec_field, expected in _REQUIRED.get(kind, ()):
            value = entity.spec.get(spec_field)
            if not isinstance(value, expected):
                what = "a list" if expected is list else "a string"
                reason = "is required" if value is None else f"must be {what}"
                self.report.problem(
                    entity.origin, f"spec.{spec_field}", f"spec.{spec_field} {reason}."
                )
                return None
        if kind != "location" and not self._references(entity):
            return None
        return entity

    def _envelope(
        self, document: dict[str, Any], metadata: Any, name: Any
    ) -> tuple[str, str] | None:
        if document.get("apiVersion") not in API_VERSIONS:
            return "apiVersion", f"apiVersion must be one of {', '.join(sorted(API_VERSIONS))}."
        if not isinstance(document.get("kind"), str):
            return "kind", "kind is required."
        if not isinstance(metadata, dict):
            return "metadata", "metadata is required."
        if not isinstance(name, str) or len(name) > 63 or not _NAME.match(name):
            return "metadata.name", (
                "metadata.name must be 1-63 letters, digits and single -_. between them."
            )
        namespace = metadata.get("namespace")
        if namespace is not None and (
            not isinstance(namespace, str) or not _NAMESPACE.match(namespace)
        ):
            return "metadata.namespace", "metadata.namespace must be lower-case letters, digits, -."
        if "spec" in document and not isinstance(document["spec"], dict):
            return "spec", "spec must be a mapping."
        return None

    def _references(self, entity: Entity) -> bool:
        fields = _REFS.get(entity.kind, {})
        raw: dict[str, list[Any]] = defaultdict(list)
        for spec_field, (_, many) in fields.items():
            value = entity.spec.get(spec_field)
            if value is None:
                continue
            if many and not isinstance(value, list):
                self.report.problem(entity.origin, f"spec.{spec_field}", "must be a list.")
                return False
            raw[spec_field].extend(value if many else [value])
        for relation in entity.document.get("relations") or []:
            if not isinstance(relation, dict) or relation.get("type") not in _RELATIONS:
                continue
            target = relation.get("targetRef") or relation.get("target")
            if isinstance(target, dict):
                namespace = target.get("namespace", "default")
                target = f"{target.get('kind')}:{namespace}/{target.get('name')}"
            raw[_RELATIONS[relation["type"]]].append(target)
        for spec_field, values in raw.items():
            default_kind = fields.get(spec_field, (None, True))[0]
            for value in values:
                parsed = (
                    parse_ref(value, default_kind, entity.namespace)
                    if isinstance(value, str)
                    else None
                )
                if parsed is None:
                    self.report.problem(
                        entity.origin,
                        f"spec.{spec_field}",
                        f"{value!r} is not an entity reference"
                        + (
                            ""
                            if default_kind
                            else " (this field has no default kind: write kind:name)"
                        )
                        + ".",
                    )
                    return False
                ref = f"{parsed[0]}:{parsed[1]}/{parsed[2]}"
                if ref not in entity.refs.setdefault(spec_field, []):
                    entity.refs[spec_field].append(ref)
        return True

    def _follow(self, file: str, location: Entity) -> None:
        spec = location.spec
        targets = [spec["target"]] if isinstance(spec.get("target"), str) else []
        targets += [t for t in spec.get("targets") or [] if isinstance(t, str)]
        if not targets:
            self.report.problem(
                location.origin, "spec.target", "A Location needs target or targets."
            )
        for target in targets:
            if "://" in target or target.startswith("/"):
                self.report.problem(
                    location.origin,
                    "spec.target",
                    f"{target} is not followed: only files relative to the Location are.",
                    invalid=False,
                )
                continue
            path = posixpath.normpath(posixpath.join(posixpath.dirname(file), target))
            content = self.loader(path)
            if content is None:
                self.report.problem(location.origin, "spec.target", f"{path} was not found.")
                continue
            self.read(SourceFile(path, content))


def _no_files(_: str) -> str | None:
    return None


class _Mapper:
    def __init__(self, catalog: Catalog, report: Report) -> None:
        self.entities = catalog.entities
        self.report = report
        self.spec = OrgSpec()

    def known(self, entity: Entity, spec_field: str) -> list[Entity]:
        found = []
        for ref in entity.refs.get(spec_field, []):
            target = self.entities.get(ref)
            if target is None:
                self.report.problem(
                    entity.origin,
                    f"spec.{spec_field}",
                    f"Unknown reference {ref}: not in the catalog, not imported.",
                    invalid=False,
                )
            else:
                found.append(target)
        return found

    def is_team(self, entity: Entity) -> bool:
        return entity.kind == "group" and str(entity.spec["type"]).lower() in TEAM_TYPES

    def slug(self, entity: Entity) -> str:
        return slug_of(entity.namespace, entity.name)

    def run(self) -> OrgSpec:
        groups = [e for e in self.entities.values() if e.kind == "group"]
        parents: dict[str, Entity] = {}
        for group in groups:
            for parent in self.known(group, "parent"):
                parents[group.ref] = parent
            for child in self.known(group, "children"):
                previous = parents.setdefault(child.ref, group)
                if previous.ref != group.ref:
                    self.report.problem(
                        group.origin,
                        "spec.children",
                        f"{child.ref} has parent {previous.ref} already; {group.ref} ignored.",
                        invalid=False,
                    )
        owned_products = self._products()
        for group in groups:
            self._group(group, parents, owned_products)
        self._people(groups)
        return self.spec

    def _group(self, group: Entity, parents: dict[str, Entity], product_owners: set[str]) -> None:
        title = (
            str(
                group.metadata.get("title")
                or group.spec.get("profile", {}).get("displayName")
                or group.name
            )
            if isinstance(group.spec.get("profile", {}), dict)
            else group.name
        )
        description = str(group.metadata.get("description") or "")
        parent = parents.get(group.ref)
        while parent is not None and self.is_team(parent):
            parent = parents.get(parent.ref)
        if not self.is_team(group):
            kind = GROUP_KINDS.get(str(group.spec["type"]).lower(), GroupKind.OTHER)
            self.spec.groups.append(
                GroupSpec(
                    self.slug(group),
                    title,
                    kind,
                    group.origin,
                    description,
                    self.slug(parent) if parent else None,
                )
            )
            return
        slug = self.slug(group)
        team = TeamSpec(slug, group.origin, name=title, group=self.slug(parent) if parent else None)
        if description:
            team.focus = description
        team.topology = self._enum(group, "topology", Topology)
        team.framework = self._enum(group, "framework", Framework)
        if team.topology is None and slug in product_owners:
            team.topology = Topology.PLATFORM
            self.report.default("TEAM", slug, "topology", "PLATFORM (it owns a consumed product)")
        self.spec.teams.append(team)

    def _enum(self, entity: Entity, name: str, enum_cls: Any) -> Any:
        value = entity.annotation(name)
        if value is None:
            return None
        try:
            return enum_cls(value.upper().replace("-", "_"))
        except ValueError:
            self.report.problem(
                entity.origin,
                f"metadata.annotations.{ANNOTATION}{name}",
                f"{value!r} is not one of {', '.join(e.value for e in enum_cls)}; ignored.",
                invalid=False,
            )
            return None

    def _people(self, groups: list[Entity]) -> None:
        members: dict[str, set[str]] = defaultdict(set)  # user ref -> group refs
        for group in groups:
            for user in self.known(group, "members"):
                members[user.ref].add(group.ref)
        users = [e for e in self.entities.values() if e.kind == "user"]
        for user in users:
            for group in self.known(user, "memberOf"):
                members[user.ref].add(group.ref)
            profile = user.spec.get("profile") or {}
            email = profile.get("email") if isinstance(profile, dict) else None
            if not isinstance(email, str) or "@" not in email:
                self.report.problem(
                    user.origin, "spec.profile.email", "A person needs an e-mail address."
                )
                continue
            name = str(profile.get("displayName") or user.name)
            title = user.metadata.get("title")
            self.spec.people.append(
                PersonSpec(email, name, user.origin, str(title) if title else None)
            )
            roles = self._roles(user)
            for group_ref in sorted(members[user.ref]):
                group = self.entities[group_ref]
                if self.is_team(group):
                    slug = self.slug(group)
                    self.spec.memberships.append(
                        MembershipSpec(email, slug, user.origin, roles.get(slug))
                    )
                else:
                    self.report.problem(
                        user.origin,
                        "spec.memberOf",
                        f"{group_ref} is not a team: memberships are per team, not recorded.",
                        invalid=False,
                    )

    def _roles(self, user: Entity) -> dict[str, MembershipRole]:
        """`syncpoint.io/roles: "ranking=ML_ENGINEER,features=PRODUCT_OWNER"` (the export's)."""
        roles: dict[str, MembershipRole] = {}
        for part in (user.annotation("roles") or "").split(","):
            team, _, role = part.strip().partition("=")
            if not team:
                continue
            try:
                roles[team] = MembershipRole(role.strip().upper())
            except ValueError:
                self.report.problem(
                    user.origin,
                    f"metadata.annotations.{ANNOTATION}roles",
                    f"{role!r} is not a membership role; ignored.",
                    invalid=False,
                )
        return roles

    # ---- ownership, products, dependencies ---------------------------------------------------

    def owner_team(self, entity: Entity) -> Entity | None:
        owners = self.known(entity, "owner")
        if not owners:
            return None
        owner = owners[0]
        if self.is_team(owner):
            return owner
        self.report.problem(
            entity.origin,
            "spec.owner",
            f"{owner.ref} is not a team: nothing team-level is derived from it.",
            invalid=False,
        )
        return None

    def unit(self, entity: Entity) -> Entity | None:
        """The product candidate behind an entity: its system, else the component itself."""
        systems = self.known(entity, "system") if entity.kind != "system" else [entity]
        if systems:
            return systems[0]
        if entity.annotation("product") == "false":
            return None  # a team's own work (as the export writes it), not a product
        return entity if entity.kind == "component" else None

    def _products(self) -> set[str]:
        providers: dict[str, list[Entity]] = defaultdict(list)  # api ref -> components
        for entity in self.entities.values():
            for api_ref in entity.refs.get("providesApis", []):
                providers[api_ref].append(entity)
        for entity in self.entities.values():
            if entity.kind == "system":
                self.known(entity, "domain")
            if entity.kind == "domain":
                self.known(entity, "subdomainOf")
                self.report.problem(
                    entity.origin,
                    "kind",
                    "Syncpoint has no domains: its systems' products are imported without it.",
                    invalid=False,
                )
            if entity.kind in ("component", "api", "resource", "system"):
                self.known(entity, "subcomponentOf")
                self.known(entity, "providesApis")
        edges: dict[tuple[str, str, bool], list[str]] = defaultdict(list)
        units: dict[str, Entity] = {}
        for consumer in self.entities.values():
            consumed: list[tuple[Entity, str]] = []
            for api in self.known(consumer, "consumesApis"):
                for provider in providers.get(api.ref) or [api]:
                    consumed.append((provider, f"{consumer.ref} consumes {api.ref}"))
            for target in self.known(consumer, "dependsOn"):
                consumed.append((target, f"{consumer.ref} depends on {target.ref}"))
            if not consumed:
                continue
            consumer_team = self.owner_team(consumer)
            for provider, why in consumed:
                unit = self.unit(provider)
                provider_team = self.owner_team(unit or provider)
                if consumer_team is None or provider_team is None:
                    continue
                if consumer_team.ref == provider_team.ref:
                    continue
                if unit is not None:
                    units[unit.ref] = unit
                    edges[(self.slug(consumer_team), self.slug(unit), True)].append(why)
                else:
                    edges[(self.slug(consumer_team), self.slug(provider_team), False)].append(why)
        owners: set[str] = set()
        for unit in units.values():
            owner = self.owner_team(unit)
            assert owner is not None
            owners.add(self.slug(owner))
            kind = self._enum(unit, "product-kind", ProductKind)
            if kind is None and isinstance(unit.spec.get("type"), str):
                try:
                    kind = ProductKind(unit.spec["type"].upper().replace("-", "_"))
                except ValueError:
                    kind = None
            self.spec.products.append(
                ProductSpec(
                    self.slug(unit),
                    str(unit.metadata.get("title") or unit.name),
                    self.slug(owner),
                    unit.origin,
                    kind,
                    str(unit.metadata.get("description") or ""),
                    _capacity(unit.annotation("capacity-units")),
                )
            )
        for (consumer_slug, provider_slug, is_product), reasons in sorted(edges.items()):
            origin = Origin("backstage", None, f"{consumer_slug} -> {provider_slug}")
            if is_product:
                self.spec.subscriptions.append(
                    SubscriptionSpec(provider_slug, consumer_slug, origin)
                )
            dep = TeamDependencySpec(
                consumer_slug,
                origin,
                "backstage",
                provider_team=None if is_product else provider_slug,
                provider_product=provider_slug if is_product else None,
                description="From the Backstage catalog: " + "; ".join(sorted(set(reasons))),
            )
            self.spec.dependencies.append(dep)
            self.report.default(
                "DEPENDENCY",
                f"{consumer_slug} -> {provider_slug}",
                "type",
                "OK (the catalog does not say how urgent it is)",
            )
        return owners


def _capacity(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def parse_backstage(
    files: Sequence[SourceFile], report: Report, loader: Loader = _no_files
) -> OrgSpec:
    """The organisation the catalog files describe; problems go to `report`."""
    given = {posixpath.normpath(f.name): f.content for f in files}
    catalog = Catalog(report, lambda path: given.get(path) if path in given else loader(path))
    for source in files:
        catalog.read(source)
    return _Mapper(catalog, report).run()
