"""Demo organisation: groups, teams (all topologies and frameworks), people, interactions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor
from syncpoint.teams import service as svc
from syncpoint.teams.models import (
    Framework,
    GroupKind,
    InteractionMode,
    MembershipRole,
    Person,
    Team,
    Topology,
)

S, P, E, C = (
    Topology.STREAM_ALIGNED,
    Topology.PLATFORM,
    Topology.ENABLING,
    Topology.COMPLICATED_SUBSYSTEM,
)

# slug, name, value stream, topology, framework, focus, time zone
TEAMS = [
    (
        "search",
        "Search",
        "discovery",
        S,
        Framework.SCRUM,
        "Query understanding and retrieval for site search",
        "Europe/Berlin",
    ),
    (
        "recommendations",
        "Recommendations",
        "discovery",
        S,
        Framework.SCRUM,
        "Home-page and item-to-item recommendations",
        "Europe/Berlin",
    ),
    (
        "ranking",
        "Ranking",
        "discovery",
        S,
        Framework.SCRUM,
        "Learning-to-rank for search and feeds",
        "Europe/Berlin",
    ),
    (
        "personalisation-research",
        "Personalisation Research",
        "discovery",
        S,
        Framework.HYBRID,
        "Research into sequence models for personalisation",
        "Europe/London",
    ),
    (
        "ranking-models",
        "Ranking Models",
        "discovery",
        C,
        Framework.HYBRID,
        "The deep ranking model family and its training stack",
        "Europe/Berlin",
    ),
    (
        "ads",
        "Ads",
        "monetisation",
        S,
        Framework.SCRUM,
        "Ad relevance and click-through prediction",
        "America/New_York",
    ),
    (
        "fraud",
        "Fraud Detection",
        "monetisation",
        S,
        Framework.SCRUM,
        "Real-time fraud scoring for payments",
        "America/New_York",
    ),
    (
        "feature-store",
        "Feature Store",
        "ml-platform",
        P,
        Framework.SCRUM,
        "Online and offline features with freshness guarantees",
        "Europe/Berlin",
    ),
    (
        "model-serving",
        "Model Serving",
        "ml-platform",
        P,
        Framework.SCRUM,
        "Low-latency model inference as a service",
        "Europe/Berlin",
    ),
    (
        "data-platform",
        "Data Platform",
        "ml-platform",
        P,
        Framework.KANBAN,
        "Pipelines, lake and data contracts",
        "Europe/London",
    ),
    (
        "gpu-compute",
        "GPU Compute",
        "ml-platform",
        P,
        Framework.KANBAN,
        "The shared GPU pool and training scheduler",
        "Europe/London",
    ),
    (
        "ml-enablement",
        "ML Enablement",
        "ml-platform",
        E,
        Framework.KANBAN,
        "Coaching teams on MLOps practice",
        "Europe/Berlin",
    ),
]

FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemi",
    "Liam",
    "Mara",
    "Nils",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Uma",
    "Viktor",
    "Wen",
    "Xavi",
    "Yara",
    "Zoe",
    "Arjun",
    "Bea",
    "Carlos",
    "Dalia",
    "Emil",
    "Fatima",
    "Gus",
    "Hana",
    "Ivan",
    "Julia",
    "Kai",
    "Lena",
    "Mateo",
    "Nora",
    "Omar",
    "Pia",
    "Rafael",
    "Sofia",
    "Tomas",
    "Vera",
    "Will",
    "Yusuf",
]
LAST = [
    "Lovelace",
    "Okafor",
    "Martin",
    "Patel",
    "Rossi",
    "Haddad",
    "Berg",
    "Tanaka",
    "Silva",
    "Weber",
    "Adeyemi",
    "Byrne",
    "Novak",
    "Larsen",
    "Ivanova",
    "Sharma",
    "Moreau",
    "Costa",
    "Nieminen",
    "Singh",
    "Kumar",
    "Horvat",
    "Li",
    "Garcia",
    "Haddad",
    "Fischer",
    "Mehta",
    "Schulz",
    "Ortega",
    "Khalil",
    "Lund",
    "Rahman",
    "Olsen",
    "Sato",
    "Petrov",
    "Meyer",
    "Nakamura",
    "Vogel",
    "Ramos",
    "Jensen",
    "Aziz",
    "Keller",
    "Duarte",
    "Romero",
    "Dvorak",
    "Lang",
    "Turner",
    "Demir",
]
ROLES = [
    MembershipRole.PRODUCT_OWNER,
    MembershipRole.SCRUM_MASTER,
    MembershipRole.ML_ENGINEER,
    MembershipRole.DATA_SCIENTIST,
    MembershipRole.DATA_ENGINEER,
]
PLATFORM_ROLES = [
    MembershipRole.PRODUCT_OWNER,
    MembershipRole.SCRUM_MASTER,
    MembershipRole.SOFTWARE_ENGINEER,
    MembershipRole.DATA_ENGINEER,
]

# Personas that get demo tokens: e-mail of a person created below -> (persona, role name).
DIRECTOR_EMAIL = "dana.director@acme.example"
FACILITATOR_EMAIL = "sam.facilitator@acme.example"


@dataclass
class DemoOrg:
    teams: dict[str, Team] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    interactions: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.teams)} teams, {len(self.people)} people, {self.interactions} interactions"
        )


async def _groups(session: AsyncSession, actor: Actor) -> dict[str, int]:
    org = await svc.create_group(
        session,
        actor,
        slug="acme",
        name="Acme ML",
        kind=GroupKind.ORGANISATION,
        description="The whole organisation",
    )
    ids = {"acme": org.id}
    for slug, name, desc in [
        ("discovery", "Discovery", "Helping customers find things: search, feeds, recommendations"),
        ("monetisation", "Monetisation", "Ads and payments"),
        ("ml-platform", "ML Platform", "Shared products every ML team builds on"),
    ]:
        group = await svc.create_group(
            session,
            actor,
            slug=slug,
            name=name,
            kind=GroupKind.VALUE_STREAM,
            description=desc,
            parent_id=org.id,
        )
        ids[slug] = group.id
    return ids


async def _people(session: AsyncSession, actor: Actor, org: DemoOrg, start: date) -> None:
    count = 0
    for index, (slug, *_rest) in enumerate(TEAMS):
        team = org.teams[slug]
        roles = PLATFORM_ROLES if team.topology is not S else ROLES
        for offset, role in enumerate(roles):
            first, last = FIRST[count % len(FIRST)], LAST[count % len(LAST)]
            person = await svc.create_person(
                session,
                actor,
                name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower()}{count}@acme.example",
                title=role.value.replace("_", " ").title(),
            )
            org.people.append(person)
            await svc.add_membership(
                session,
                actor,
                person_id=person.id,
                team_id=team.id,
                role=role,
                started_on=start - timedelta(days=30 * offset + index),
            )
            count += 1
    director = await svc.create_person(
        session, actor, name="Dana Director", email=DIRECTOR_EMAIL, title="Head of ML Engineering"
    )
    facilitator = await svc.create_person(
        session, actor, name="Sam Facilitator", email=FACILITATOR_EMAIL, title="Agile Coach"
    )
    org.people += [director, facilitator]
    await svc.add_membership(
        session,
        actor,
        person_id=facilitator.id,
        team_id=org.teams["ml-enablement"].id,
        role=MembershipRole.SCRUM_MASTER,
        started_on=start,
    )


async def _interactions(session: AsyncSession, actor: Actor, org: DemoOrg, today: date) -> None:
    t = org.teams
    plans = [
        (
            "feature-store",
            "recommendations",
            InteractionMode.X_AS_A_SERVICE,
            "Online features for recommendations",
            today - timedelta(days=200),
            None,
        ),
        (
            "feature-store",
            "ranking",
            InteractionMode.X_AS_A_SERVICE,
            "Ranking features served online",
            today - timedelta(days=180),
            None,
        ),
        (
            "model-serving",
            "ads",
            InteractionMode.X_AS_A_SERVICE,
            "CTR model inference",
            today - timedelta(days=150),
            None,
        ),
        (
            "data-platform",
            "fraud",
            InteractionMode.X_AS_A_SERVICE,
            "Payment event streams",
            today - timedelta(days=300),
            None,
        ),
        (
            "gpu-compute",
            "ranking-models",
            InteractionMode.X_AS_A_SERVICE,
            "Training capacity for the ranking model family",
            today - timedelta(days=120),
            None,
        ),
        # Meant to last six weeks; still running: the overrun the director should see.
        (
            "ranking-models",
            "ranking",
            InteractionMode.COLLABORATION,
            "Co-design the two-tower ranking model",
            today - timedelta(days=70),
            today - timedelta(days=28),
        ),
        (
            "ml-enablement",
            "search",
            InteractionMode.FACILITATING,
            "Introduce offline evaluation practice",
            today - timedelta(days=14),
            today + timedelta(days=42),
        ),
        (
            "personalisation-research",
            "recommendations",
            InteractionMode.COLLABORATION,
            "Transfer the session model into production",
            today - timedelta(days=10),
            today + timedelta(days=50),
        ),
    ]
    for provider, partner, mode, purpose, start, end in plans:
        await svc.start_interaction(
            session,
            actor,
            team_id=t[provider].id,
            partner_id=t[partner].id,
            mode=mode,
            purpose=purpose,
            starts_on=start,
            expected_end=end,
        )
        org.interactions += 1


async def load_org(session: AsyncSession, actor: Actor, today: date) -> DemoOrg:
    """Create the demo organisation through the services (so it obeys every rule)."""
    groups = await _groups(session, actor)
    org = DemoOrg()
    for slug, name, stream, topology, framework, focus, tz in TEAMS:
        org.teams[slug] = await svc.create_team(
            session,
            actor,
            slug=slug,
            name=name,
            group_id=groups[stream],
            values={
                "topology": topology,
                "framework": framework,
                "focus": focus,
                "time_zone": tz,
                "channels": [f"#team-{slug}"],
                "daily_sync_time": time(9, 30),
                "ways_of_working": f"{framework.value.title()}; reviews on Thursdays",
            },
        )
    await _people(session, actor, org, today - timedelta(days=20))
    await _interactions(session, actor, org, today)
    return org
