"""Errors the domain layer raises; views turn them into form errors, the API into 400 or 409."""


class DomainError(Exception):
    """A request the business rules refuse (HTTP 400). `field` names the input at fault, when one is."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field or "detail": [self.message]} if self.field else {"detail": self.message}


class Conflict(DomainError):
    """The request contradicts what already happened, e.g. an idempotency key reused for another payment (409)."""

    status_code = 409


class Forbidden(DomainError):
    """The user's role may not do this, though they may see the record (HTTP 403)."""

    status_code = 403


class BlockedAttempt(DomainError):
    """A contact attempt compliance refuses. The blocked check is in the audit log already and must stay there, so
    the API answers 400 without rolling the request back (the service has written nothing else)."""
