"""The organisation as Backstage descriptor YAML: groups, teams, people, products and their
dependencies, in files the Backstage catalog model accepts and `import backstage` reads back.

- a group -> `Group` (spec.type organization, value-stream, tribe, release-train, department)
- a team -> `Group` of type team (annotations: topology, framework; description: its focus)
- a person -> `User` (profile e-mail and name; memberOf their teams; roles in an annotation)
- a product -> `System` owned by its team, with an `API` `<slug>-api` that is its interface
- a team's consumption -> one `Component` per team (`<team>-work`, not a product), consuming the
  APIs of the products it subscribes to and depending on the work of the teams it depends on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.dependencies.models import Dependency, DependencyStatus
from syncpoint.imports import repository as repo
from syncpoint.imports.backstage import ANNOTATION
from syncpoint.products.models import Product
from syncpoint.teams.models import GroupKind
from syncpoint.work.models import BacklogItem

API_VERSION = "backstage.io/v1alpha1"
GROUP_TYPES = {
    GroupKind.ORGANISATION: "organization",
    GroupKind.VALUE_STREAM: "value-stream",
    GroupKind.TRIBE: "tribe",
    GroupKind.RELEASE_TRAIN: "release-train",
    GroupKind.OTHER: "department",
}
WORK_SUFFIX = "-work"


def _entity(kind: str, name: str, spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    meta = {"name": name, **{k: v for k, v in metadata.items() if v}}
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": meta, "spec": spec}


def _dump(entities: list[dict[str, Any]]) -> str:
    return yaml.safe_dump_all(entities, sort_keys=False, allow_unicode=True)


async def export_backstage(session: AsyncSession) -> dict[str, str]:
    """File name -> YAML content: catalog-info.yaml (a Location) and one file per part."""
    groups = {g.id: g for g in (await repo.groups_by_slug(session)).values() if not g.archived_at}
    teams = {t.id: t for t in (await repo.teams_by_slug(session)).values() if not t.archived_at}
    people = [p for p in (await repo.people_by_email(session)).values() if not p.archived_at]
    memberships = await repo.active_memberships(session)
    products = [p for p in (await repo.products_by_slug(session)).values() if not p.archived_at]
    subscriptions = await repo.active_subscriptions(session)

    children: dict[int, list[str]] = defaultdict(list)
    for group in groups.values():
        if group.parent_id in groups:
            children[group.parent_id].append(group.slug)
    for team in teams.values():
        if team.group_id in groups:
            children[team.group_id].append(team.slug)
    group_docs = [
        _entity(
            "Group",
            g.slug,
            {
                "type": GROUP_TYPES[g.kind],
                **({"parent": groups[g.parent_id].slug} if g.parent_id in groups else {}),
                "children": sorted(children[g.id]),
            },
            title=g.name,
            description=g.description,
        )
        for g in sorted(groups.values(), key=lambda g: g.slug)
    ]
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)  # person -> (team, role)
    for (person_id, team_id), membership in memberships.items():
        if team_id in teams:
            members[person_id].append((team_id, membership.role.value))
    team_docs = [
        _entity(
            "Group",
            t.slug,
            {
                "type": "team",
                "parent": groups[t.group_id].slug,
                "children": [],
            },
            title=t.name,
            description=t.focus,
            annotations={
                f"{ANNOTATION}topology": t.topology.value,
                f"{ANNOTATION}framework": t.framework.value,
            },
        )
        for t in sorted(teams.values(), key=lambda t: t.slug)
    ]
    user_docs = []
    for person in sorted(people, key=lambda p: p.email):
        own = sorted(members.get(person.id, []), key=lambda m: teams[m[0]].slug)
        roles = ",".join(f"{teams[t].slug}={role}" for t, role in own)
        user_docs.append(
            _entity(
                "User",
                _user_name(person.email),
                {
                    "profile": {"displayName": person.name, "email": person.email},
                    "memberOf": [teams[t].slug for t, _ in own],
                },
                title=person.title,
                annotations={f"{ANNOTATION}roles": roles} if roles else None,
            )
        )
    product_docs: list[dict[str, Any]] = []
    by_id: dict[int, Product] = {}
    for product in sorted(products, key=lambda p: p.slug):
        if product.owner_team_id not in teams:
            continue
        by_id[product.id] = product
        owner = teams[product.owner_team_id].slug
        product_docs.append(
            _entity(
                "System",
                product.slug,
                {"owner": owner},
                title=product.name,
                description=product.description,
                annotations={
                    f"{ANNOTATION}product-kind": product.kind.value,
                    **(
                        {f"{ANNOTATION}capacity-units": str(product.capacity_units)}
                        if product.capacity_units is not None
                        else {}
                    ),
                },
            )
        )
        product_docs.append(
            _entity(
                "API",
                f"{product.slug}-api",
                {
                    "type": "other",
                    "lifecycle": "production",
                    "owner": owner,
                    "system": product.slug,
                    "definition": f"The interface of {product.name}.",
                },
            )
        )
    consumes: dict[int, set[str]] = defaultdict(set)
    for subscribed, team_id in subscriptions:
        if subscribed in by_id:
            consumes[team_id].add(f"api:{by_id[subscribed].slug}-api")
    depends: dict[int, set[str]] = defaultdict(set)
    for consumer_team, provider_team, product_id in await _team_edges(session):
        if product_id is not None and product_id in by_id:
            consumes[consumer_team].add(f"api:{by_id[product_id].slug}-api")
        elif provider_team in teams and consumer_team != provider_team:
            depends[consumer_team].add(f"component:{teams[provider_team].slug}{WORK_SUFFIX}")
    work_docs = [
        _entity(
            "Component",
            f"{t.slug}{WORK_SUFFIX}",
            {
                "type": "service",
                "lifecycle": "production",
                "owner": t.slug,
                **({"consumesApis": sorted(consumes[t.id])} if consumes[t.id] else {}),
                **({"dependsOn": sorted(depends[t.id])} if depends[t.id] else {}),
            },
            description=f"The work of {t.name} (its dependencies on other teams).",
            annotations={f"{ANNOTATION}product": "false"},
        )
        for t in sorted(teams.values(), key=lambda t: t.slug)
    ]
    files = {
        "groups.yaml": group_docs + team_docs,
        "people.yaml": user_docs,
        "products.yaml": product_docs,
        "work.yaml": work_docs,
    }
    location = _entity(
        "Location", "syncpoint", {"type": "file", "targets": [f"./{n}" for n in files if files[n]]}
    )
    out = {"catalog-info.yaml": _dump([location])}
    out.update({name: _dump(docs) for name, docs in files.items() if docs})
    return out


def _user_name(email: str) -> str:
    local = re.sub(r"[^a-zA-Z0-9]+", "-", email.replace("@", "-at-")).strip("-")
    return local[:63].strip("-")


async def _team_edges(session: AsyncSession) -> set[tuple[int, int | None, int | None]]:
    """(consumer team, provider team, product) of every open dependency."""
    items = {
        i.id: i.team_id for i in await session.execute(select(BacklogItem.id, BacklogItem.team_id))
    }
    rows = await session.execute(
        select(
            Dependency.consumer_item_id, Dependency.provider_item_id, Dependency.provider_product_id
        ).where(Dependency.status == DependencyStatus.OPEN)
    )
    return {(items[c], items.get(p) if p is not None else None, product) for c, p, product in rows}
