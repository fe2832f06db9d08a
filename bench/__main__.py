"""`make bench`: run every benchmark against PostgreSQL (BENCH_DATABASE_URL, else a `crm_bench` database on
127.0.0.1, created when missing) and print each figure beside the raw work of the same kind.

    python -m bench [--scale 1.0]     # 1.0 = 1M debtors, 1.3M accounts, 3M payments (generated once per scale)
"""

import argparse
import os
import sys
from importlib import import_module
from urllib.parse import urlsplit

BENCHMARKS = ("bench.baseline", "bench.accounts")
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


def prepare() -> str:
    """Point Django at the benchmark database, migrate it and create the demo teams and users."""
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
    call_command("seed_demo", "--force", "--accounts-per-team", "0", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the benchmarks.")
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1.0")))
    args = parser.parse_args()
    url = prepare()
    from bench.generate import generate
    from debtors.models import Account

    expected = int(1_300_000 * args.scale)
    if Account.objects.count() != expected:
        print(f"Generating the data set at scale {args.scale} ({expected:,} accounts); this is done once...")
        print(generate(scale=args.scale))
    print(f"Benchmarks on {urlsplit(url).hostname}/{urlsplit(url).path.lstrip('/')}, {expected:,} accounts")
    for module in BENCHMARKS:
        import_module(module).run()


if __name__ == "__main__":
    main()
