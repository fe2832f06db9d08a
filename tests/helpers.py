import os
import subprocess
import sys
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
