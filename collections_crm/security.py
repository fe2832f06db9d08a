from django.conf import settings


def client_ip(request) -> str | None:
    """The address a request came from, for login throttling.

    Behind TRUSTED_PROXY_COUNT proxies that each append the address they saw to X-Forwarded-For, the client is
    that many entries from the right; anything further left was written by the client and could be forged.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
