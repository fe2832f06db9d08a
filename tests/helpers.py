import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]

# Variables of the developer's or CI's environment that would leak into a subprocess under test.
SETTINGS_VARIABLES = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "EMAIL_URL",
                      "DJANGO_SETTINGS_MODULE", "DATA_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE")


def run_python(code: str, *, env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess:
    """Run Python in a fresh interpreter with exactly the given settings variables (others removed)."""
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=timeout, check=False)


def run_manage(*args: str, env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    return subprocess.run([sys.executable, "manage.py", *args], env={**clean, **env}, cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=timeout, check=False)


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database the test suite is using, so a subprocess can share it."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    at = "@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}{at}{host}:{port}/{settings_dict['NAME']}"


def start_worker(tmp_path, *, redis_url: str = "", extra: tuple[str, ...] = (),
                 env: dict[str, str] | None = None) -> subprocess.Popen:
    """A real Celery worker (solo pool) on the test database, with the data folder `tmp_path` and any further
    settings variables in `env`."""
    from django.db import connection

    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    clean.update({"DJANGO_SETTINGS_MODULE": "collections_crm.settings.test", "DATA_DIR": str(tmp_path),
                  "DATABASE_URL": database_url(connection.settings_dict), "REDIS_URL": redis_url, **(env or {})})
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "collections_crm", "worker", "--pool", "solo",
         "--loglevel", "INFO", "--without-gossip", "--without-mingle", *extra],
        cwd=PROJECT_DIR, env=clean, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for_heartbeat(worker: subprocess.Popen, timeout: float = 40):
    """The worker's first heartbeat row (then the worker is stopped), or the test fails with what it said."""
    import pytest

    from collections_crm.models import Heartbeat

    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            heartbeat = Heartbeat.objects.filter(name="worker").first()
            if heartbeat:
                return heartbeat
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.3)
        worker.send_signal(signal.SIGTERM)
        pytest.fail("no heartbeat in time; worker said:\n" + worker.communicate(timeout=20)[0])
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
