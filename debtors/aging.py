"""Days past due and aging buckets, derived from `delinquent_since` (SPEC 2)."""

from datetime import date, timedelta

# label, first day, last day (None: no upper end)
AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181-365", 181, 365),
    ("365+", 366, None),
)
AGING_BUCKET_LABELS = tuple(label for label, _, _ in AGING_BUCKETS)


def days_past_due(delinquent_since: date | None, today: date) -> int:
    """Whole days since the account became delinquent; 0 for an account that is not (or not yet) delinquent."""
    if delinquent_since is None:
        return 0
    return max((today - delinquent_since).days, 0)


def aging_bucket(days: int) -> str:
    for label, first, last in AGING_BUCKETS:
        if days >= first and (last is None or days <= last):
            return label
    raise ValueError(days)


def delinquent_since_range(*, dpd_min: int | None, dpd_max: int | None, today: date) -> tuple[date | None, date | None]:
    """The `delinquent_since` dates (earliest, latest) of accounts whose days past due lie in [dpd_min, dpd_max];
    filtering on the stored date keeps the query on its index."""
    earliest = today - timedelta(days=dpd_max) if dpd_max is not None else None
    latest = today - timedelta(days=dpd_min) if dpd_min is not None else None
    return earliest, latest


def bucket_day_range(label: str) -> tuple[int, int | None]:
    for bucket, first, last in AGING_BUCKETS:
        if bucket == label:
            return first, last
    raise KeyError(label)
