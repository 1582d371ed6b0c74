"""deploy/: the compose file and the Kubernetes example, read statically (neither runs here).

They must agree with the Dockerfile (port, user, entrypoint), with the CLI (commands that
exist) and with the settings (variables journeybot reads), and keep the topology of
docs/operations.md: a migration job that needs only DATABASE_URL, two or more HTTP-mode
replicas with liveness on /healthz and readiness on /readyz, a proxy or ingress in front.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import _parser
from bot.settings import Settings
from tests.test_dockerfile import DOCKERFILE, _stages

REPO_ROOT = Path(__file__).resolve().parents[1]
DEPLOY = REPO_ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
NGINX = DEPLOY / "nginx.conf"
KUBERNETES = DEPLOY / "kubernetes" / "journeybot.yaml"
SETTING_NAMES = {name.upper() for name in Settings.model_fields}
# Read by the container runtime or Python itself, not by journeybot's settings.
RUNTIME_NAMES = {"PYTHONUNBUFFERED"}


def _commands() -> set[str]:
    parser = _parser()
    subparsers = next(
        action for action in parser._actions if action.dest == "command" and action.choices
    )
    assert subparsers.choices is not None
    return set(subparsers.choices)


def _dockerfile_env() -> dict[str, str]:
    final = _stages(DOCKERFILE.read_text(encoding="utf-8"))[-1]
    env: dict[str, str] = {}
    for args in final.args_of("ENV"):
        for key, value in re.findall(r"(\w+)=(\S+)", args):
            env[key] = value
    return env


def _dockerfile_uid() -> int:
    text = DOCKERFILE.read_text(encoding="utf-8")
    match = re.search(r"useradd[^\n]*--uid (\d+)", text)
    assert match, "the Dockerfile creates no user with a fixed uid"
    return int(match.group(1))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def kube() -> list[dict[str, Any]]:
    documents = [doc for doc in yaml.safe_load_all(KUBERNETES.read_text("utf-8")) if doc]
    assert all(isinstance(doc, dict) for doc in documents)
    return documents


def _journeybot_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose["services"].items()
        if "build" in service or str(service.get("image", "")).startswith("journeybot")
    }


def test_compose_builds_every_journeybot_service_from_the_dockerfile(
    compose: dict[str, Any],
) -> None:
    services = _journeybot_services(compose)
    assert services
    images = {service["image"] for service in services.values()}
    assert len(images) == 1, images
    for name, service in services.items():
        build = service["build"]
        assert (COMPOSE.parent / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE, (
            name
        )
        # The image's ENTRYPOINT is `journeybot`: the command is a subcommand of it.
        command = service["command"]
        assert isinstance(command, list), f"{name}: exec form, so SIGTERM reaches the bot"
        assert command[0] in _commands(), (name, command)
        unknown = set(service.get("environment", {})) - SETTING_NAMES - RUNTIME_NAMES
        assert not unknown, f"{name} sets variables journeybot never reads: {unknown}"


def test_compose_topology_migrates_first_then_two_http_replicas(compose: dict[str, Any]) -> None:
    services = _journeybot_services(compose)
    migrations = [name for name, svc in services.items() if svc["command"] == ["migrate"]]
    replicas = [name for name, svc in services.items() if svc["command"] == ["run"]]
    assert len(migrations) == 1
    assert len(replicas) >= 2
    migrate = services[migrations[0]]
    assert set(migrate["environment"]) <= {"DATABASE_URL", "LOG_FORMAT", "LOG_LEVEL"}
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    database_urls = {services[name]["environment"]["DATABASE_URL"] for name in services}
    assert len(database_urls) == 1, "every journeybot service must use the same database"
    assert next(iter(database_urls)).startswith("postgresql://")
    assert "@postgres:5432/" in next(iter(database_urls))
    for name in replicas:
        replica = services[name]
        env = replica["environment"]
        assert "SLACK_APP_TOKEN" not in env, f"{name}: replicas behind a proxy run in HTTP mode"
        assert {"SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"} <= set(env)
        assert env.get("LOG_FORMAT") == "json"
        condition = replica["depends_on"][migrations[0]]["condition"]
        assert condition == "service_completed_successfully"
        assert "ports" not in replica, f"{name}: only the proxy is published"
    postgres = compose["services"]["postgres"]
    assert str(postgres["image"]).startswith("postgres:")
    assert "healthcheck" in postgres


def test_the_proxy_balances_every_replica_on_the_image_port(compose: dict[str, Any]) -> None:
    services = _journeybot_services(compose)
    replicas = sorted(name for name, svc in services.items() if svc["command"] == ["run"])
    proxy = compose["services"]["proxy"]
    assert any("nginx.conf" in volume for volume in proxy["volumes"])
    for name in replicas:
        assert proxy["depends_on"][name]["condition"] == "service_healthy"
    config = NGINX.read_text(encoding="utf-8")
    port = _dockerfile_env()["PORT"]
    upstream = re.search(r"upstream\s+journeybot\s*\{(.*?)\}", config, re.DOTALL)
    assert upstream
    servers = re.findall(r"server\s+([\w-]+):(\d+)", upstream.group(1))
    assert sorted(servers) == [(name, port) for name in replicas]
    # Only Slack's paths leave the proxy; /metrics and the probes stay internal.
    assert "location /slack/" in config
    assert re.search(r"location / \{\s*return 404;", config)
    assert "X-Request-Id" in config
    assert "non_idempotent" not in config, "a POST Slack already sent must not be replayed"


def _kinds(kube: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    kinds = {doc["kind"]: doc for doc in kube}
    assert {"Job", "Deployment", "Service"} <= set(kinds), set(kinds)
    return kinds


def _env_names(container: dict[str, Any]) -> set[str]:
    return {item["name"] for item in container.get("env", [])}


def test_kubernetes_probes_port_and_user_match_the_image(kube: list[dict[str, Any]]) -> None:
    kinds = _kinds(kube)
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert kinds["Deployment"]["spec"]["replicas"] >= 2
    assert container["args"] == ["run"]
    port = int(_dockerfile_env()["PORT"])
    assert container["ports"][0]["containerPort"] == port
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert pod["securityContext"]["runAsUser"] == _dockerfile_uid()
    assert pod["securityContext"]["runAsNonRoot"] is True
    annotations = kinds["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/path"] == "/metrics"
    assert int(annotations["prometheus.io/port"]) == port
    names = _env_names(container)
    assert not names - SETTING_NAMES, names - SETTING_NAMES
    assert "SLACK_APP_TOKEN" not in names
    for item in container["env"]:
        if item["name"].startswith(("SLACK_", "DATABASE_")):
            assert "secretKeyRef" in item.get("valueFrom", {}), f"{item['name']} not from a Secret"
    service = kinds["Service"]["spec"]
    assert (
        service["selector"].items()
        <= kinds["Deployment"]["spec"]["selector"]["matchLabels"].items()
    )


def test_kubernetes_migration_job_needs_only_the_database(kube: list[dict[str, Any]]) -> None:
    kinds = _kinds(kube)
    pod = kinds["Job"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"] == ["migrate"]
    assert _env_names(container) <= {"DATABASE_URL", "LOG_FORMAT", "LOG_LEVEL"}
    assert "DATABASE_URL" in _env_names(container)
    assert pod["restartPolicy"] == "Never"
    deployment = kinds["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == deployment["image"], "migrate and run must be one release"


def test_only_slack_paths_are_exposed_by_the_ingress(kube: list[dict[str, Any]]) -> None:
    ingresses = [doc for doc in kube if doc["kind"] == "Ingress"]
    assert ingresses
    paths = [
        path["path"]
        for ingress in ingresses
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    assert paths == ["/slack/"]
