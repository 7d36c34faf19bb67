"""The deploy files cannot run here (no Docker engine): check they parse and say the right thing."""

from __future__ import annotations

from pathlib import Path

import yaml
from dockerfile_parse import DockerfileParser

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_dockerfile_is_multi_stage_non_root_and_migrates_before_serving():
    parser = DockerfileParser(path=str(DEPLOY / "Dockerfile"))
    instructions = [(i["instruction"], i["value"]) for i in parser.structure]
    stages = [value for name, value in instructions if name == "FROM"]
    assert len(stages) >= 2
    users = [value for name, value in instructions if name == "USER"]
    assert users
    assert users[-1] not in {"root", "0"}
    cmd = next(value for name, value in reversed(instructions) if name == "CMD")
    assert cmd.index("db upgrade") < cmd.index("serve")
    copied = " ".join(value for name, value in instructions if name == "COPY")
    assert "migrations" in copied


def test_compose_runs_the_api_against_postgres():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    api, db = compose["services"]["api"], compose["services"]["db"]
    assert db["image"].startswith("postgres:")
    assert api["environment"]["SYNCPOINT_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert api["depends_on"]["db"]["condition"] == "service_healthy"
    assert (DEPLOY / api["build"]["context"] / api["build"]["dockerfile"]).exists()


def test_kubernetes_manifest_migrates_and_probes():
    documents = list(yaml.safe_load_all((DEPLOY / "k8s" / "syncpoint.yaml").read_text()))
    deployment = next(d for d in documents if d["kind"] == "Deployment")
    spec = deployment["spec"]["template"]["spec"]
    assert spec["initContainers"][0]["command"] == ["syncpoint", "db", "upgrade"]
    probes = spec["containers"][0]
    assert probes["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert probes["livenessProbe"]["httpGet"]["path"] == "/healthz"
