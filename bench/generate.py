"""Load a realistic data set into the benchmark database with COPY: by default 1M debtors, 1.3M accounts and
3M payments (with their ledger entries and ~1.6M contact points), spread over the demo teams.

    python -m bench.generate [--scale 0.1]

Rows are written directly (not through the services) because a million service calls would take hours; the
ledger invariant still holds: every balance equals its placement minus its payments.
"""

import argparse
import io
import random
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

FIRST = ("James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
         "Joseph Jessica Thomas Sarah Carlos Maria Wei Aisha Olivia Noah Amelia Harry Priya Arjun Chloe Mohammed "
         "Daniel Sofia Lucas Emma Mateo Ava Ethan Mia Liam Isabella").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Wilson Anderson "
        "Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Walker Patel Khan Evans Young "
        "King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Turner Torres "
        "Parker Collins Edwards Stewart Flores Morris Nguyen Murphy Rivera Cook Rogers Morgan Peterson Cooper "
        "Reed Bailey Bell Gomez Kelly Howard Ward Cox Diaz Richardson Wood Watson Brooks Bennett Gray James Reyes "
        "Cruz Hughes Price Myers Long Foster Sanders Ross Morales Powell Sullivan Russell Ortiz Jenkins Gutierrez "
        "Perry Butler Barnes Fisher Henderson Coleman Simmons Patterson Jordan Reynolds Hamilton Graham Kim").split()
CHUNK = 200_000


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    """COPY an iterable of tuples into a table, a chunk at a time."""
    count, buffer = 0, io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if value is None else str(value) for value in row) + "\n")
        count += 1
        if count % CHUNK == 0:
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
            buffer = io.StringIO()
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


def generate(*, scale: float, seed: int = 7) -> dict[str, int]:
    from django.db import connection

    from collections_crm.models import Team, User
    from collections_crm.roles import Role

    rng = random.Random(seed)
    debtors, accounts, payments = int(1_000_000 * scale), int(1_300_000 * scale), int(3_000_000 * scale)
    today, now = date.today(), datetime.now(UTC)
    teams = list(Team.objects.order_by("pk").values_list("pk", flat=True))
    collectors = {team: list(User.objects.filter(team=team, role=Role.COLLECTOR).values_list("pk", flat=True))
                  for team in teams}
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE debtors_payment, debtors_transaction, debtors_account, debtors_contactpoint, "
                       "debtors_debtor, debtors_creditor RESTART IDENTITY CASCADE")
        creditor_rows = [(n, f"Creditor {n}", f"creditor-{n}", "USD", True) for n in range(1, 21)]
        copy_rows(cursor, "debtors_creditor", ["id", "name", "code", "currency", "is_active"], creditor_rows)

        debtor_team = [teams[n % len(teams)] for n in range(debtors + 1)]
        names = [("", "")] + [(rng.choice(FIRST), rng.choice(LAST)) for _ in range(debtors)]
        copy_rows(cursor, "debtors_debtor", [
            "id", "first_name", "last_name", "company_name", "date_of_birth", "timezone", "country", "region",
            "preferred_language", "preferred_channel", "employer", "monthly_income", "monthly_expenses",
            "income_currency", "hardship_notes", "team_id", "created_at", "updated_at"], (
            (n, *names[n], "", today - timedelta(days=rng.randint(8000, 27000)),
             "America/New_York", "US", rng.choice(("NY", "MA", "NJ", "CA", "TX", "FL")), "en", "", "",
             rng.randrange(1500, 7000), rng.randrange(1000, 5000), "USD", "", debtor_team[n], now, now)
            for n in range(1, debtors + 1)))
        copy_rows(cursor, "debtors_contactpoint", [
            "debtor_id", "kind", "value", "phone_type", "is_primary", "is_workplace", "consent_sms",
            "consent_autodial", "consent_email", "created_at"], (
            row for n in range(1, debtors + 1) for row in (
                (n, "phone", f"+1{2000000000 + n * 7 % 7999999999}", "mobile", True, False, True, False, False,
                 now),
                *(((n, "email", f"debtor{n}@example.com", "", True, False, False, False, True, now),)
                  if n % 5 < 3 else ()))))

        balances, account_rows = {}, []
        for n in range(1, accounts + 1):
            debtor = n if n <= debtors else rng.randint(1, debtors)
            team = debtor_team[debtor]
            original = Decimal(round(rng.lognormvariate(7.0, 0.9), 2)).quantize(Decimal("0.01"))
            balances[n] = original
            since = today - timedelta(days=int(rng.triangular(5, 900, 120)))
            assignee = rng.choice(collectors[team]) if collectors[team] and rng.random() < 0.7 else None
            account_rows.append([n, debtor, rng.randint(1, 20), f"ACC-{n:09d}", "USD", original, None, since,
                                 None, min(today, since + timedelta(days=45)), "active", assignee, team,
                                 rng.randint(0, 1000), now + timedelta(hours=rng.randint(-48, 240)), None, None,
                                 " ".join(names[debtor]).lower(), now, now, ""])
        payment_rows, transaction_rows, ledger_id = [], [], 0
        for n in range(1, accounts + 1):
            ledger_id += 1
            transaction_rows.append((ledger_id, n, "placement", balances[n], "USD", account_rows[n - 1][9], now,
                                     f"placement:{n}", ""))
        for n in range(1, payments + 1):
            account = rng.randint(1, accounts)
            amount = (balances[account] * Decimal(rng.choice(("0.05", "0.1", "0.2")))).quantize(Decimal("0.01"))
            if amount <= 0:
                continue
            balances[account] -= amount
            ledger_id += 1
            received = today - timedelta(days=rng.randint(0, 40))
            transaction_rows.append((ledger_id, account, "payment", -amount, "USD", received, now,
                                     f"payment:bench-{n}", ""))
            payment_rows.append((n, account, amount, "USD", "card", received, f"txn-{n}", f"bench-{n}", ledger_id,
                                 "", now))
            account_rows[account - 1][16] = now
        for row in account_rows:
            row[6] = balances[row[0]]
            if row[6] == 0:
                row[10] = "paid"
        copy_rows(cursor, "debtors_account", [
            "id", "debtor_id", "creditor_id", "reference", "currency", "original_balance", "balance",
            "delinquent_since", "charged_off_on", "placed_on", "status", "assigned_to_id", "team_id", "risk_score",
            "next_action_at", "last_contact_at", "last_payment_at", "search_name", "created_at", "updated_at",
            "status_before_cleared"],
            account_rows)
        copy_rows(cursor, "debtors_transaction", [
            "id", "account_id", "kind", "amount", "currency", "effective_on", "posted_at", "idempotency_key",
            "memo"], transaction_rows)
        copy_rows(cursor, "debtors_payment", [
            "id", "account_id", "amount", "currency", "method", "received_on", "reference", "idempotency_key",
            "transaction_id", "reversal_reason", "created_at"], payment_rows)
        for table in ("debtors_creditor", "debtors_debtor", "debtors_account", "debtors_transaction",
                      "debtors_payment", "debtors_contactpoint"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        cursor.execute("ANALYZE")
    return {"debtors": debtors, "accounts": accounts, "payments": len(payment_rows),
            "transactions": len(transaction_rows), "seconds": round(time.monotonic() - started)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M debtors, 1.3M accounts, 3M payments")
    args = parser.parse_args()
    from bench.__main__ import prepare

    prepare()
    print(generate(scale=args.scale))


if __name__ == "__main__":
    main()
