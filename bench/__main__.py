"""`make bench`: run every benchmark against PostgreSQL (BENCH_DATABASE_URL, else a `crm_bench` database on
127.0.0.1, created when missing) and print each figure beside the raw work of the same kind."""

import os
import sys
from importlib import import_module
from urllib.parse import urlsplit

BENCHMARKS = ("bench.baseline",)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/crm_bench"


def create_database_if_missing(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                             password=parts.password, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        sys.exit("Benchmarks run on PostgreSQL: set BENCH_DATABASE_URL to a postgres:// URL")
    create_database_if_missing(url)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "collections_crm.settings.local",
        "DATABASE_URL": url,
        "DEBUG": "false",  # DEBUG would record every query and distort the timings
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-secret-key-not-for-production-use-0123456789"),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    })
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--force", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"Benchmarks on {urlsplit(url).hostname}/{urlsplit(url).path.lstrip('/')}")
    for module in BENCHMARKS:
        import_module(module).run()


if __name__ == "__main__":
    main()
