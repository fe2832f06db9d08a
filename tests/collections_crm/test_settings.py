"""Settings come from the environment, fail loudly on bad values, and refuse insecure production start-up."""

import json
from pathlib import Path

import pytest

from collections_crm.settings.environment import (
    INSECURE_DEFAULT_SECRET_KEY,
    ConfigurationError,
    database_config,
    redis_url,
    redis_url_for_db,
    refuse_insecure_secret_key,
)
from tests.helpers import run_manage, run_python

PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'db': str(s.DATABASES['default']['NAME']), "
    "'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default']['BACKEND'], 'debug': s.DEBUG, "
    "'hosts': s.ALLOWED_HOSTS, 'email': s.EMAIL_BACKEND, 'queue': s.CELERY_BROKER_TRANSPORT_OPTIONS}))"
)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "collections_crm.settings.production",
    "SECRET_KEY": "a-real-secret-for-the-test-only-0123456789-abcdefghijklmnop",
    "DATABASE_URL": "postgres://crm:pw@postgres:5432/crm",
    "REDIS_URL": "redis://redis:6379/0",
    "ALLOWED_HOSTS": "crm.example.com",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587",
}


def test_empty_database_url_means_sqlite_in_the_data_folder(tmp_path):
    config = database_config("", sqlite_path=tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")


def test_postgres_url_is_parsed_with_persistent_connections():
    config = database_config("postgres://crm:secret@db.internal:6432/crm", sqlite_path=Path("unused"))
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "crm", "secret", "db.internal", 6432, "crm")
    assert config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("url", [
    "garbage",
    "mysql://root@localhost/crm",
    "postgres://crm@db:notaport/crm",
    "postgres://crm@db:5432/",
])
def test_malformed_database_url_is_refused_naming_the_variable(url):
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        database_config(url, sqlite_path=Path("unused"))


@pytest.mark.parametrize("url", ["localhost:6379", "http://redis:6379/0", "redis://redis:port/0", "redis://"])
def test_malformed_redis_url_is_refused_naming_the_variable(url):
    with pytest.raises(ConfigurationError, match="REDIS_URL"):
        redis_url(url)


def test_cache_uses_its_own_redis_database():
    assert redis_url_for_db("redis://:pw@redis:6379/0", 1) == "redis://:pw@redis:6379/1"


def test_default_secret_key_is_refused_with_debug_off():
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        refuse_insecure_secret_key(debug=False, secret_key=INSECURE_DEFAULT_SECRET_KEY)
    refuse_insecure_secret_key(debug=True, secret_key=INSECURE_DEFAULT_SECRET_KEY)
    refuse_insecure_secret_key(debug=False, secret_key="a-real-secret")


def test_embedded_default_needs_no_server(tmp_path):
    result = run_python(PRINT_SETTINGS, env={"DJANGO_SETTINGS_MODULE": "collections_crm.settings.local",
                                             "DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["db"] == str(tmp_path / "db.sqlite3")
    assert settings["broker"] == "filesystem://"
    assert settings["queue"]["data_folder_in"] == str(tmp_path / "celery" / "queue")
    assert (tmp_path / "celery" / "queue").is_dir()
    assert settings["debug"] is True


def test_services_are_read_from_the_environment(tmp_path):
    result = run_python(PRINT_SETTINGS, env={
        "DJANGO_SETTINGS_MODULE": "collections_crm.settings.local", "DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://crm@db.internal:5432/crm", "REDIS_URL": "redis://cache.internal:6379/0",
        "DEBUG": "false", "SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "a.example,b.example",
        "EMAIL_URL": "smtp://mail.internal:25"})
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["broker"] == "redis://cache.internal:6379/0"
    assert settings["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert settings["debug"] is False
    assert settings["hosts"] == ["a.example", "b.example"]
    assert settings["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_malformed_database_url_stops_start_up_with_one_line(tmp_path):
    result = run_manage("check", env={"DATABASE_URL": "postgres//oops", "DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_the_default_secret_key(tmp_path):
    env = {**PRODUCTION, "DATA_DIR": str(tmp_path)}
    del env["SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert result.stderr.strip() == "Configuration error: SECRET_KEY must be set to a secret value when DEBUG is off"


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "EMAIL_URL"])
def test_production_refuses_to_start_without_its_services(tmp_path, missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = run_manage("check", env={**env, "DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert missing in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("variable", "value"), [
    ("DEBUG", "ture"), ("AXES_FAILURE_LIMIT", "five"), ("AXES_FAILURE_LIMIT", "0"), ("TRUSTED_PROXY_COUNT", "-1"),
    ("EMAIL_URL", "carrier-pigeon://coop"), ("REDIS_URL", "localhost:6379"),
])
def test_a_malformed_variable_stops_start_up_with_one_line_naming_it(tmp_path, variable, value):
    result = run_manage("check", env={variable: value, "DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith(f"Configuration error: {variable}")


def test_production_keeps_debug_off_whatever_the_environment_says(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = run_python(code, env={**PRODUCTION, "DEBUG": "true", "DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
