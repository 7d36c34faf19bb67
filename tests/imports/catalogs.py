"""Small Backstage catalogs written for the tests: every kind and relation, and invalid ones."""

from __future__ import annotations

from syncpoint.imports.sources import SourceFile

ROOT = """
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: root}
spec:
  type: file
  targets: [./org/groups.yaml, ./org/users.yaml, ./software/all.yaml]
"""

GROUPS = """
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: acme, title: ACME}
spec: {type: organization, children: [search, platform]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: search, description: Finding things}
spec: {type: tribe, parent: acme, children: []}
---
apiVersion: backstage.io/v1beta1
kind: Group
metadata: {name: platform}
spec: {type: department, children: [group:default/features]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: ranking
  description: Rank results
  annotations: {syncpoint.io/framework: hybrid}
spec: {type: team, parent: search, children: [], members: [ada]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: features}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: serving
  annotations: {syncpoint.io/topology: complicated-subsystem}
spec: {type: squad, children: []}
relations:
  - {type: childOf, targetRef: "group:default/platform"}
"""

USERS = """
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ada}
spec:
  profile: {displayName: Ada Lovelace, email: ada@example.com}
  memberOf: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: grace}
spec:
  profile: {email: grace@example.com}
  memberOf: [features, platform]
"""

SOFTWARE = """
apiVersion: backstage.io/v1alpha1
kind: Domain
metadata: {name: discovery}
spec: {owner: search}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: feature-platform
  description: Features for everyone
  annotations: {syncpoint.io/product-kind: FEATURE_STORE}
spec: {owner: features, domain: discovery}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: feature-server}
spec:
  type: service
  lifecycle: production
  owner: features
  system: feature-platform
  providesApis: [online-features]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: online-features}
spec: {type: grpc, lifecycle: production, owner: features, system: feature-platform, definition: x}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: model-server}
spec:
  type: model-serving
  lifecycle: production
  owner: group:serving
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: gpu-pool}
spec: {type: cluster, owner: serving, dependsOn: ["component:feature-server"]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ranker}
spec:
  type: service
  lifecycle: experimental
  owner: ranking
  consumesApis: [online-features]
  dependsOn: [component:model-server, resource:default/gpu-pool, component:nowhere]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ranker-ui}
spec: {type: website, lifecycle: production, owner: ranking, subcomponentOf: ranker}
relations:
  - {type: ownedBy, targetRef: "group:default/ranking"}
"""

INVALID = """
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: no-owner}
spec: {type: service, lifecycle: production}
---
apiVersion: v1
kind: Component
metadata: {name: wrong-version}
spec: {type: service, lifecycle: production, owner: ranking}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: "bad name!"}
spec: {type: service, lifecycle: production, owner: ranking}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: kindless-dependency}
spec: {type: service, lifecycle: production, owner: ranking, dependsOn: [feature-server]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: nobody}
spec: {memberOf: [ranking]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: childless}
spec: {type: team}
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: a-template}
spec: {}
---
- not a mapping
"""

BROKEN_YAML = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: x\n"


def catalog() -> list[SourceFile]:
    """The root Location; the files it points to are given alongside (as the mutation is)."""
    return [
        SourceFile("catalog/catalog-info.yaml", ROOT),
        SourceFile("catalog/org/groups.yaml", GROUPS),
        SourceFile("catalog/org/users.yaml", USERS),
        SourceFile("catalog/software/all.yaml", SOFTWARE),
    ]
