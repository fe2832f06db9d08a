"""Sign-ins and sign-outs go to the audit log (failed attempts are recorded by django-axes)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from compliance.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.login", target=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.logout", target=user)
