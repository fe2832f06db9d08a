"""No Docker engine runs here, so docker-compose.yml is checked against the code: services, images, commands,
and an environment that the production settings accept."""

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from collections_crm.settings.environment import database_config
from tests.helpers import PROJECT_DIR, run_manage

COMPOSE = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "worker", "beat")
# What an operator's .env would hold; the compose file's own defaults fill the rest.
OPERATOR_ENV = {
    "POSTGRES_PASSWORD": "pg-secret",
    "SECRET_KEY": "an-operator-chosen-secret-of-fifty-or-more-characters-0123456789",
    "ALLOWED_HOSTS": "crm.example.com",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587",
}


def interpolate(value: str, env: dict[str, str]) -> str:
    """Docker Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} substitution."""

    def substitute(match: re.Match) -> str:
        name, operator, rest = match.group(1), match.group(2), match.group(3)
        if env.get(name):
            return env[name]
        if operator == ":?":
            raise KeyError(f"{name}: {rest}")
        return rest or ""

    return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", substitute, value)


def app_environment(service: str, env: dict[str, str] = OPERATOR_ENV) -> dict[str, str]:
    return {key: interpolate(str(value), env) for key, value in SERVICES[service]["environment"].items()}


def command_words(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_the_five_services():
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "beat"}


def test_web_worker_and_beat_share_one_image_built_from_the_dockerfile():
    assert {SERVICES[name]["build"] for name in APP_SERVICES} == {"."}
    assert len({SERVICES[name]["image"] for name in APP_SERVICES}) == 1
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()
    assert "FROM python:3.11" in dockerfile  # pyproject's requires-python
    assert "-c requirements.lock" in dockerfile
    assert "npm ci" in dockerfile


@pytest.mark.parametrize("service", ["postgres", "redis"])
def test_data_services_have_healthchecks_that_the_app_waits_for(service):
    assert SERVICES[service]["healthcheck"]["test"]
    assert SERVICES["web"]["depends_on"][service]["condition"] == "service_healthy"
    for name in ("worker", "beat"):
        assert SERVICES[name]["depends_on"]["web"]["condition"] == "service_healthy"


def test_app_reaches_the_compose_postgres_and_redis():
    env = app_environment("web")
    database = database_config(env["DATABASE_URL"], sqlite_path=Path("unused"))
    postgres = SERVICES["postgres"]["environment"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "postgres"
    assert (database["NAME"], database["USER"]) == (postgres["POSTGRES_DB"], postgres["POSTGRES_USER"])
    assert database["PASSWORD"] == interpolate(postgres["POSTGRES_PASSWORD"], OPERATOR_ENV)
    assert env["REDIS_URL"].startswith("redis://redis:")


def test_the_app_services_share_one_environment():
    assert app_environment("web") == app_environment("worker") == app_environment("beat")


def test_every_variable_given_to_the_app_is_read_by_the_settings():
    settings_source = "".join(
        path.read_text() for path in (PROJECT_DIR / "collections_crm" / "settings").glob("*.py"))
    for name in app_environment("web"):
        if name != "DJANGO_SETTINGS_MODULE":
            assert f'"{name}"' in settings_source, f"{name} is set in docker-compose.yml but no setting reads it"


@pytest.mark.parametrize("secret", ["SECRET_KEY", "POSTGRES_PASSWORD", "EMAIL_URL", "ALLOWED_HOSTS"])
def test_secrets_have_no_defaults(secret):
    env = {key: value for key, value in OPERATOR_ENV.items() if key != secret}
    with pytest.raises(KeyError, match=secret):
        app_environment("web", env)


def test_commands_match_the_code():
    web = " ".join(command_words("web"))
    migrate, collectstatic, gunicorn = (web.index(step) for step in ("migrate", "collectstatic", "gunicorn"))
    assert migrate < gunicorn
    assert collectstatic < gunicorn
    wsgi_module = web.split("gunicorn ")[1].split()[0]
    assert importlib.import_module(wsgi_module).application

    worker, beat = command_words("worker"), command_words("beat")
    assert worker[:4] == ["celery", "-A", "collections_crm", "worker"]
    assert beat[:4] == ["celery", "-A", "collections_crm", "beat"]
    assert beat[beat.index("--scheduler") + 1] == settings.CELERY_BEAT_SCHEDULER


def test_web_healthcheck_calls_healthz():
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])


def test_production_settings_start_with_the_compose_environment(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        env={**app_environment("web"), "DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
