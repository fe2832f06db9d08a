"""`make bench`: run every benchmark against PostgreSQL and print each figure beside the raw work of the same kind.

    python -m bench [--scale 1.0] [--only outbox,accounts]

Each benchmark reads one of two data sets, generated once (bench/generate.py): the big one (BENCH_DATABASE_URL,
else `crm_bench` on 127.0.0.1: 1M debtors and 1.3M accounts at scale 1.0), or the outbox's own (100k accounts in
BENCH_OUTBOX_DATABASE_URL, else `crm_bench_outbox`), so its 200k planned and sent messages a run neither pile up
in the big one nor wait for it to be generated. Benchmarks of different data sets run in separate processes.
"""

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass
from importlib import import_module
from urllib.parse import urlsplit

FULL_SCALE_ACCOUNTS = 1_300_000


@dataclass(frozen=True)
class DataSet:
    url_variable: str
    default_url: str
    accounts: int | None = None  # None: 1.3M times --scale
    redis_variable: str = ""  # the benchmark's own Redis database, when it uses one (flushed at each run)
    default_redis_url: str = ""


DATA_SETS = {
    "main": DataSet("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench"),
    "outbox": DataSet("BENCH_OUTBOX_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench_outbox",
                      accounts=100_000, redis_variable="BENCH_OUTBOX_REDIS_URL",
                      default_redis_url="redis://127.0.0.1:6379/7"),
}
# Each benchmark (a module of this package with a run() function) and its data set, in the order they run.
BENCHMARKS = {"baseline": "main", "accounts": "main", "outbox": "outbox"}


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


def prepare(data_set: DataSet | None = None) -> str:
    """Point Django at the data set's database (and Redis), migrate it and create the demo teams and users."""
    data_set = data_set or DATA_SETS["main"]
    url = os.environ.get(data_set.url_variable, data_set.default_url)
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        sys.exit(f"Benchmarks run on PostgreSQL: set {data_set.url_variable} to a postgres:// URL")
    create_database_if_missing(url)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "collections_crm.settings.local",
        "DATABASE_URL": url,
        "DEBUG": "false",  # DEBUG would record every query and distort the timings
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-secret-key-not-for-production-use-0123456789"),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    })
    if data_set.redis_variable:
        os.environ["REDIS_URL"] = os.environ.get(data_set.redis_variable, data_set.default_redis_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--force", "--accounts-per-team", "0", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return url


def run_data_set(name: str, benchmarks: list[str], scale: float) -> None:
    data_set = DATA_SETS[name]
    url = prepare(data_set)
    from bench.generate import generate
    from debtors.models import Account

    expected = data_set.accounts or int(FULL_SCALE_ACCOUNTS * scale)
    if Account.objects.count() != expected:
        scale = expected / FULL_SCALE_ACCOUNTS
        print(f"Generating the data set at scale {scale:.4g} ({expected:,} accounts); this is done once...")
        print(generate(scale=scale))
    print(f"Benchmarks on {urlsplit(url).hostname}/{urlsplit(url).path.lstrip('/')}, {expected:,} accounts")
    for benchmark in benchmarks:
        import_module(f"bench.{benchmark}").run()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the benchmarks.")
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1.0")),
                        help="size of the main data set: 1.0 = 1M debtors, 1.3M accounts, 3M payments")
    parser.add_argument("--only", default="", help=f"comma-separated, of: {', '.join(BENCHMARKS)}")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(BENCHMARKS)
    if unknown := set(chosen) - set(BENCHMARKS):
        parser.error(f"no such benchmark: {', '.join(sorted(unknown))}")
    by_data_set: dict[str, list[str]] = {}
    for benchmark in BENCHMARKS:
        if benchmark in chosen:
            by_data_set.setdefault(BENCHMARKS[benchmark], []).append(benchmark)
    if len(by_data_set) == 1:
        [(name, benchmarks)] = by_data_set.items()
        run_data_set(name, benchmarks, args.scale)
        return
    for benchmarks in by_data_set.values():  # Django is set up once per process, for one database
        subprocess.run(  # noqa: S603 - this very program, with names checked against BENCHMARKS
            [sys.executable, "-m", "bench", "--scale", str(args.scale), "--only", ",".join(benchmarks)], check=True)


if __name__ == "__main__":
    main()
