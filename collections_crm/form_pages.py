"""The one way a page saves a form (validate, call a service, show what the rules refused as form errors), and
the one way a filtered list answers htmx."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from collections_crm.errors import DomainError


def submitted(request):
    """The form data of a POST, else None. (`request.POST or None` would leave a form sent empty unbound, and
    so without its "this field is required" errors.)"""
    return request.POST if request.method == "POST" else None


def form_page(request, form, *, title: str, save: Callable, done: str, success_url: Callable | str,
              breadcrumbs: tuple[tuple[str, str], ...] = (), submit_label: str = "Save",
              template: str = "form_page.html", context: dict | None = None):
    """Show `form`; on a valid POST call `save(cleaned_data)` and redirect with the `done` message. A page that
    shows more than the form (a rule's history) passes its own `template` and `context`.

    Rules the service enforces beyond the form come back as errors on the field they name; the service's own
    transaction has rolled back by then. `done` and a callable `success_url` receive the saved object.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except DomainError as error:
            visible = error.field in form.fields and not form.fields[error.field].widget.is_hidden
            form.add_error(error.field if visible else None, error.message)
        else:
            messages.success(request, done.format(saved))
            return redirect(success_url(saved) if callable(success_url) else success_url)
    return render(request, template, {**(context or {}), "form": form, "title": title, "breadcrumbs": breadcrumbs,
                                       "submit_label": submit_label})


def list_page(request, *, page_template: str, results_template: str, context: dict):
    """A filtered list: htmx swaps in the results alone, except when it restores a page from history and needs
    all of it."""
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    response = render(request, results_template if partial else page_template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
