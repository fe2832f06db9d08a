"""How messages leave: email through Django's email backend, SMS through a small provider interface (a file of
sent texts by default), letters as printable HTML files for the print room.

Every send carries the message's idempotency key, and `already_sent(key)` tells the outbox's sweeper whether an
interrupted send went out: True, False, or None when the provider cannot say (then nothing is sent again).
`answers_already_sent` says which kind a provider is: the outbox sends a batch to one that answers before
recording any of it, and to one that cannot say one message at a time.
"""

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.html import strip_tags


class ProviderUnavailable(Exception):
    """A transient failure (a network error, a 5xx): the send is tried again later."""


class ProviderOutcomeUnknown(Exception):
    """The request reached the provider but no answer came back (a read timeout): the message may or may not have
    gone, so it is not sent again; it stays `sending` for the sweeper to settle."""


class ProviderRejected(Exception):
    """The provider refused the message for good (a 4xx: a bad number, a blocked sender): it is marked failed."""


def _outbox_dir(kind: str) -> Path:
    folder = Path(settings.DATA_DIR) / "outbox" / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class FileSms:
    """Texts written one JSON line each to DATA_DIR/outbox/sms/sent.jsonl: the embedded default and tests.

    A text is sent once its line is whole. Each line is one write at the end of the file (O_APPEND), so lines from
    several workers never interleave; still, a kill -9 in the middle of that write, a machine crash or a full disk
    can leave the last line cut short. Such a line is a text that never went out: `already_sent` does not count
    it (the sweeper sends that text again), and the next text starts on a line of its own instead of finishing it.
    """

    answers_already_sent = True

    @property
    def log(self) -> Path:
        return _outbox_dir("sms") / "sent.jsonl"

    def send(self, *, to: str, body: str, key: str) -> str:
        line = (json.dumps({"key": key, "to": to, "body": body, "at": timezone.now().isoformat()}) + "\n").encode()
        with self.log.open("a+b", buffering=0) as log:
            end = log.seek(0, os.SEEK_END)
            if end and os.pread(log.fileno(), 1, end - 1) != b"\n":
                line = b"\n" + line  # the last line was cut short: leave it on its own
            if log.write(line) != len(line):
                raise ProviderUnavailable("The disk took only part of the text.")
        return key

    def already_sent(self, key: str) -> bool:
        if not self.log.exists():
            return False
        text = b"\n" + self.log.read_bytes()  # every line, the first too, begins after a newline
        start = b"\n" + json.dumps({"key": key})[:-1].encode() + b","  # how this key's line begins
        found = text.find(start)
        while found != -1:
            end = text.find(b"\n", found + 1)
            if end != -1 and _is_json(text[found + 1:end]):  # a whole line
                return True
            found = text.find(start, found + 1)
        return False


def _is_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


class TwilioSms:
    """A Twilio-style REST API (`SMS_BACKEND=twilio`): POST {base}/2010-04-01/Accounts/{sid}/Messages.json with
    Basic authentication and the message's key as the idempotency token."""

    answers_already_sent = False

    def send(self, *, to: str, body: str, key: str) -> str:
        sid = settings.TWILIO_ACCOUNT_SID
        request = urllib.request.Request(  # noqa: S310 - TWILIO_API_BASE is checked to be http(s) in settings
            f"{settings.TWILIO_API_BASE.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json",
            data=urllib.parse.urlencode({"To": to, "From": settings.TWILIO_FROM, "Body": body}).encode(),
            headers={"Authorization": "Basic " + base64.b64encode(f"{sid}:{settings.TWILIO_AUTH_TOKEN}".encode())
                     .decode(), "I-Twilio-Idempotency-Token": key,
                     "Content-Type": "application/x-www-form-urlencoded"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=settings.TWILIO_TIMEOUT) as response:  # noqa: S310 - the configured https URL
                return str(json.loads(response.read() or b"{}").get("sid", key))
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode(errors="replace")
            if error.code >= 500 or error.code == 429:
                raise ProviderUnavailable(f"{error.code} {detail}") from None
            raise ProviderRejected(f"{error.code} {detail}") from None
        except urllib.error.URLError as error:  # no connection: the request never reached the API
            raise ProviderUnavailable(str(error)) from None
        except (TimeoutError, ConnectionError) as error:  # the request went out; whether the text did is unknown
            raise ProviderOutcomeUnknown(str(error)) from None

    def already_sent(self, key: str) -> None:
        return None  # not asked: the idempotency token makes a second send harmless, but we do not rely on it


class EmailProvider:
    answers_already_sent = False

    def send(self, *, to: str, subject: str, body: str, key: str) -> str:
        message = EmailMultiAlternatives(subject=subject, body=strip_tags(body), to=[to],
                                         headers={"Idempotency-Key": key, "X-Message-Key": key})
        message.attach_alternative(body, "text/html")
        message.send()
        return key

    def already_sent(self, key: str) -> None:
        return None  # SMTP cannot tell


class LetterFiles:
    """Letters as HTML files in DATA_DIR/outbox/letters/, one per message, for printing and posting. A letter is
    written beside its place and renamed into it, so it is there whole or not at all."""

    answers_already_sent = True

    def send(self, *, to: str, subject: str, body: str, key: str) -> str:
        path = _outbox_dir("letters") / f"{key.replace(':', '_')}.html"
        draft = path.with_suffix(".partial")
        draft.write_text(f"<!doctype html><meta charset='utf-8'><title>{subject}</title>"
                         f"<address>{to}</address>{body}")
        draft.replace(path)
        return path.name

    def already_sent(self, key: str) -> bool:
        return (_outbox_dir("letters") / f"{key.replace(':', '_')}.html").exists()


SMS_BACKENDS = {"file": FileSms, "twilio": TwilioSms}


def provider_for(channel: str):
    if channel == "sms":
        return SMS_BACKENDS[settings.SMS_BACKEND]()
    return {"email": EmailProvider, "letter": LetterFiles}[channel]()
