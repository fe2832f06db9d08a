"""The cost of the stack itself: an ORM read and a signed-in page beside the raw SQL they run.

Later benchmarks (work queue, account page, dashboards, imports, the outbox) are read against these numbers.
"""

from django.db import connection
from django.test import Client

from bench.harness import Comparison, measure, print_table
from collections_crm.models import User
from collections_crm.selectors import user_list

USER_LIST_SQL = """
    SELECT u.id, u.username, u.first_name, u.last_name, u.role, t.name, a.name
    FROM collections_crm_user u
    LEFT JOIN collections_crm_team t ON t.id = u.team_id
    LEFT JOIN agencies_agency a ON a.id = u.agency_id
    ORDER BY t.name, u.role, u.username
"""


def run() -> None:
    admin = User.objects.get(username="admin")
    collector = User.objects.get(username="east-collector-1")

    def raw_one_row():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, username, role FROM collections_crm_user WHERE id = %s", [collector.pk])
            cursor.fetchone()

    def raw_user_list():
        with connection.cursor() as cursor:
            cursor.execute(USER_LIST_SQL)
            cursor.fetchall()

    def orm_one_row():
        User.objects.filter(pk=collector.pk).values_list("id", "username", "role").first()

    def selector_user_list():
        list(user_list(viewer=admin))

    client = Client()
    client.force_login(admin)

    def configuration_page():
        response = client.get("/configuration/")
        assert response.status_code == 200

    raw_row, raw_list = measure(raw_one_row), measure(raw_user_list)
    print_table("Baseline: the stack around a query (in-process, no network)", [
        Comparison("ORM: one user by id", measure(orm_one_row), "raw SQL, same row", raw_row),
        Comparison("selector: all users visible to an admin", measure(selector_user_list),
                   "raw SQL, same join", raw_list),
        Comparison("page: /configuration/ (teams, users, limits)", measure(configuration_page, runs=200),
                   "raw SQL of its user list", raw_list),
    ])
