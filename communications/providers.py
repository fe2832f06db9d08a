"""How messages leave: email through Django's email backend, SMS through a small provider interface (a file of
sent texts by default), letters as printable HTML files for the print room.

Every send carries the message's idempotency key, and `already_sent(key)` tells the outbox's sweeper whether an
interrupted send went out: True, False, or None when the provider cannot say (then nothing is sent again).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.html import strip_tags


class ProviderUnavailable(Exception):
    """A transient failure (a network error, a 5xx): the send is tried again later."""


def _outbox_dir(kind: str) -> Path:
    folder = Path(settings.DATA_DIR) / "outbox" / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class FileSms:
    """Texts written one JSON line each to DATA_DIR/outbox/sms/sent.jsonl: the embedded default and tests."""

    @property
    def log(self) -> Path:
        return _outbox_dir("sms") / "sent.jsonl"

    def send(self, *, to: str, body: str, key: str) -> str:
        with self.log.open("a") as log:
            log.write(json.dumps({"key": key, "to": to, "body": body, "at": timezone.now().isoformat()}) + "\n")
        return key

    def already_sent(self, key: str) -> bool:
        if not self.log.exists():
            return False
        return any(json.loads(line)["key"] == key for line in self.log.read_text().splitlines() if line)


class EmailProvider:
    def send(self, *, to: str, subject: str, body: str, key: str) -> str:
        message = EmailMultiAlternatives(subject=subject, body=strip_tags(body), to=[to],
                                         headers={"Idempotency-Key": key, "X-Message-Key": key})
        message.attach_alternative(body, "text/html")
        message.send()
        return key

    def already_sent(self, key: str) -> None:
        return None  # SMTP cannot tell


class LetterFiles:
    """Letters as HTML files in DATA_DIR/outbox/letters/, one per message, for printing and posting."""

    def send(self, *, to: str, subject: str, body: str, key: str) -> str:
        path = _outbox_dir("letters") / f"{key.replace(':', '_')}.html"
        path.write_text(f"<!doctype html><meta charset='utf-8'><title>{subject}</title>"
                        f"<address>{to}</address>{body}")
        return path.name

    def already_sent(self, key: str) -> bool:
        return (_outbox_dir("letters") / f"{key.replace(':', '_')}.html").exists()


def provider_for(channel: str):
    return {"sms": FileSms, "email": EmailProvider, "letter": LetterFiles}[channel]()
