from decimal import Decimal

from django.db.models import QuerySet

from collections_crm.models import User
from debtors.filters import AccountFilter
from debtors.models import Account, ContactPoint, Creditor, Debtor, Payment, Transaction


def account_list(*, viewer: User) -> QuerySet[Account]:
    return Account.objects.visible_to(viewer).select_related("debtor", "creditor", "assigned_to", "team", "segment")


def account_filtered(*, viewer: User, params, request=None) -> AccountFilter:
    """The accounts list with the page's or the API's filters; `.qs` is the result, `.errors` the bad filters."""
    return AccountFilter(params, queryset=account_list(viewer=viewer), request=request)


def creditor_list(*, viewer: User) -> QuerySet[Creditor]:
    return Creditor.objects.visible_to(viewer)


def debtor_list(*, viewer: User) -> QuerySet[Debtor]:
    return Debtor.objects.visible_to(viewer)


def contact_point_list(*, viewer: User) -> QuerySet[ContactPoint]:
    return ContactPoint.objects.visible_to(viewer).select_related("debtor")


def transaction_list(*, viewer: User) -> QuerySet[Transaction]:
    return Transaction.objects.visible_to(viewer)


def payment_list(*, viewer: User) -> QuerySet[Payment]:
    return Payment.objects.visible_to(viewer).select_related("account")


def ledger_with_balances(*, account: Account, limit: int = 100) -> list[tuple[Transaction, Decimal]]:
    """The latest entries, newest first, each with the balance right after it (worked back from the balance)."""
    rows, balance_after = [], account.balance
    for entry in account.transactions.select_related("posted_by")[:limit]:
        rows.append((entry, balance_after))
        balance_after -= entry.amount
    return rows
