"""Provider webhooks: delivery receipts and inbound texts, accepted only with a valid signature.

The provider signs the raw body with the shared secret (HMAC-SHA256, hex, header `X-Signature`). A missing or
wrong signature, or no secret configured, answers 403 and changes nothing.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from communications.inbound import delivery_receipt_record, sms_reply_record


def signature_for(body: bytes) -> str:
    return hmac.new(settings.SMS_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()


def _signed_json(request) -> dict | None:
    given = request.headers.get("X-Signature", "")
    if not settings.SMS_WEBHOOK_SECRET or not hmac.compare_digest(given, signature_for(request.body)):
        return None
    try:
        payload = json.loads(request.body)
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


@login_not_required
@csrf_exempt  # signed by the provider instead
@require_POST
def sms_status(request):
    """`{"key": <idempotency key>, "status": "delivered" | "failed" | "undelivered", "detail": "..."}`"""
    payload = _signed_json(request)
    if payload is None:
        return HttpResponseForbidden("Bad signature")
    updated = delivery_receipt_record(key=str(payload.get("key", "")), status=str(payload.get("status", "")),
                                      detail=str(payload.get("detail", "")))
    return JsonResponse({"updated": updated})


@login_not_required
@csrf_exempt  # signed by the provider instead
@require_POST
def sms_inbound(request):
    """`{"from": "+15551234567", "body": "STOP"}`"""
    payload = _signed_json(request)
    if payload is None:
        return HttpResponseForbidden("Bad signature")
    outcome = sms_reply_record(sender=str(payload.get("from", "")), body=str(payload.get("body", "")))
    return JsonResponse({"result": outcome})
