"""The accounts list API, the account page and the search, beside the raw SQL of the very same queries.

Each endpoint is called once with its queries captured; the raw figure replays those SELECTs on a bare cursor,
so the ratio is what Django, DRF and the templates add to the database's own work.
"""

import random

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.harness import Comparison, measure, print_table
from collections_crm.models import User
from debtors.models import Account


def replay(sql_statements: list[str]):
    def run():
        with connection.cursor() as cursor:
            for sql in sql_statements:
                cursor.execute(sql)
                cursor.fetchall()

    return run


def captured_selects(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return [query["sql"] for query in captured.captured_queries
            if query["sql"].startswith("SELECT") and "django_session" not in query["sql"]]


def compare(name: str, client: Client, urls: list[str], runs: int) -> Comparison:
    rng = random.Random(1)
    statements = captured_selects(client, urls[0])
    page = measure(lambda: client.get(rng.choice(urls)), runs=runs)
    return Comparison(name, page, f"raw SQL, same {len(statements)} queries", measure(replay(statements), runs=runs))


def run() -> None:
    manager = User.objects.get(username="east-manager")
    client = Client()
    client.force_login(manager)
    team_accounts = list(Account.objects.filter(team=manager.team_id).order_by("?").values_list("pk", flat=True)[:200])
    sample = Account.objects.select_related("debtor").get(pk=team_accounts[0])
    phone = sample.debtor.contact_points.filter(kind="phone").values_list("value", flat=True).first()

    print_table("Accounts (a manager's team: about a third of all accounts)", [
        compare("API accounts list, 50 a page", client, ["/api/v1/accounts/?page_size=50"], runs=100),
        compare("API accounts list, 91-180 days, balance >= 500", client,
                ["/api/v1/accounts/?aging_bucket=91-180&balance_min=500"], runs=100),
        compare("account page", client, [f"/accounts/{pk}/" for pk in team_accounts], runs=100),
        compare("search: last name", client, [f"/api/v1/accounts/?search={sample.debtor.last_name}"], runs=50),
        compare("search: phone number", client, [f"/api/v1/accounts/?search={phone}"], runs=50),
        compare("search: reference", client, [f"/api/v1/accounts/?search={sample.reference}"], runs=50),
    ])
    print("\nQueries per accounts list page (must not grow with the page size):")
    for size in (10, 50, 200):
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/api/v1/accounts/?page_size={size}")
        print(f"  page_size={size:<4} {len(captured.captured_queries)} queries")
