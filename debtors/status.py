"""The account status machine: the one place that says which status may follow which."""

from collections_crm.errors import DomainError
from debtors.models import AccountStatus as S

_COLLECTING = {S.ACTIVE, S.PROMISE, S.PLAN, S.DISPUTED, S.SETTLED, S.PAID, S.CLOSED, S.RECALLED, S.WRITTEN_OFF}

TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset(_COLLECTING),
    S.ACTIVE: frozenset(_COLLECTING - {S.ACTIVE}),
    S.PROMISE: frozenset(_COLLECTING - {S.PROMISE}),
    S.PLAN: frozenset(_COLLECTING - {S.PLAN}),
    # A dispute is resolved before anything else happens, but money may still arrive (and complete a settlement).
    S.DISPUTED: frozenset({S.ACTIVE, S.PAID, S.SETTLED, S.CLOSED, S.RECALLED, S.WRITTEN_OFF}),
    # A reversed payment reopens a paid or settled account, to the dispute or write-off it interrupted if any.
    S.PAID: frozenset({S.ACTIVE, S.DISPUTED, S.WRITTEN_OFF, S.CLOSED}),
    S.SETTLED: frozenset({S.ACTIVE, S.DISPUTED, S.WRITTEN_OFF, S.CLOSED}),
    # Money can still arrive after a write-off.
    S.WRITTEN_OFF: frozenset({S.ACTIVE, S.PAID, S.SETTLED, S.RECALLED, S.CLOSED}),
    # The creditor may place a recalled account again.
    S.RECALLED: frozenset({S.NEW}),
    S.CLOSED: frozenset(),
}


class IllegalTransition(DomainError):
    def __init__(self, current: str, target: str):
        current_label, target_label = S(current).label.lower(), S(target).label.lower()
        allowed = ", ".join(sorted(S(status).label.lower() for status in TRANSITIONS[current])) or "nothing"
        super().__init__(f"An account that is {current_label} cannot become {target_label} "
                         f"(it can become: {allowed}).", field="status")


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)
