from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from collections_crm.errors import BlockedAttempt, DomainError


def exception_handler(exc, context):
    """DRF's handler, plus domain errors (400/409) and model validation errors (400 with field messages)."""
    if isinstance(exc, DomainError):
        if not isinstance(exc, BlockedAttempt):
            set_rollback()
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        body = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(body, status=400)
    return drf_exception_handler(exc, context)
