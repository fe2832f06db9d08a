"""Message templates in a sandbox: `{{ placeholder }}` from a fixed whitelist, and nothing else.

Admins write templates in the browser, so a template must not reach anything it was not given: there are no
filters, tags, attribute look-ups or expressions, only names from PLACEHOLDERS, each replaced by a string that
`message_context` computed beforehand. `check_template` refuses anything else at save time, naming it.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.html import escape

# name -> what it shows (the template form lists these).
PLACEHOLDERS = {
    "debtor_first_name": "The debtor's first name (or company name)",
    "debtor_name": "The debtor's full name",
    "balance": "The balance owed, e.g. 1,250.00",
    "currency": "The account's currency, e.g. USD",
    "account_reference": "The account reference, masked but for its last four characters",
    "creditor_name": "The creditor's name",
    "collector_name": "The assigned collector's name (else the team's)",
    "next_installment_date": "The next installment's due date, e.g. 5 January 2027",
    "next_installment_amount": "The next installment's amount",
    "promise_date": "The date of the pending promise to pay",
    "promise_amount": "The amount of the pending promise to pay",
    "payment_link": "The link where the debtor pays",
}
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
ANY_MARKUP = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def check_template(text: str, *, field: str) -> None:
    """Refuse unknown placeholders and any markup that is not a plain `{{ name }}`, naming what is wrong."""
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError({field: f"Unknown placeholder{'s' if len(unknown) > 1 else ''}: "
                                      f"{', '.join('{{ ' + name + ' }}' for name in unknown)}. Use one of: "
                                      f"{', '.join(PLACEHOLDERS)}."})
    rest = PLACEHOLDER.sub("", text)
    if leftover := ANY_MARKUP.search(rest):
        excerpt = rest[leftover.start():leftover.start() + 30].splitlines()[0]
        raise ValidationError({field: f"Broken or unsupported markup at “{excerpt}”: only {{{{ placeholder }}}} "
                                      f"is allowed."})


def render(text: str, context: dict[str, str], *, html: bool = False) -> str:
    """Replace each placeholder by its value (HTML-escaped for email and letters); the text was checked at save."""
    return PLACEHOLDER.sub(lambda match: escape(context[match.group(1)]) if html else context[match.group(1)],
                           text)
