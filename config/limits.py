"""Cheap requests stay cheap: NUL bytes, sign-in throttling and per-client counters on the shared cache.

The counters live in the "shared" cache (config/settings.py). With `REDIS_URL` set that is Redis, so a
limit holds across gunicorn workers and machines; without it, files in one directory that every worker on
the machine reads and writes.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext

logger = logging.getLogger("kubeprep.security")

# url_name -> (scope, what is counted): login pages count failures, the others every POST.
THROTTLED_VIEWS = {
    "login": "login",
    "admin:login": "login",
    "signup": "signup",
    "password_reset": "password_reset",
}


def client_ip(request):
    """The client's address: `KUBEPREP_CLIENT_IP_HEADER` (set by the proxy in front) or REMOTE_ADDR."""
    header = settings.KUBEPREP_CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "").split(",")[0].strip()
        if value:
            return value[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def _key(scope, ident, window):
    digest = hashlib.sha256(str(ident).encode("utf-8", "replace")).hexdigest()[:24]
    return f"rl:{scope}:{digest}:{int(time.time() // window)}"


def count(scope, ident, window):
    """How many hits `ident` has in the current `window` seconds of `scope` (fixed windows)."""
    return caches["shared"].get(_key(scope, ident, window), 0)


def hit(scope, ident, window):
    """Count one hit of `ident` in `scope`; the new count.

    Atomic on Redis. On the file cache two workers counting the same instant can both read n and write
    n + 1, so a burst may get a hit or two past the limit; every worker still sees every other's counts.
    """
    key = _key(scope, ident, window)
    cache = caches["shared"]
    if cache.add(key, 1, window + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window + 1)
        return 1


def too_many(request, *, status=429):
    """The 429 answer: a page in the user's language (plain text for the JSON API)."""
    message = gettext("Too many attempts from your address or for this account. Wait a few minutes and try again.")
    response = HttpResponse(
        render_to_string("429.html", {"message": message}, request=request), status=status
    )
    response["Retry-After"] = str(settings.KUBEPREP_AUTH_WINDOW_SECONDS)
    return response


def _account(request):
    """The account a sign-in form names: username or e-mail, case-folded."""
    for field in ("username", "email"):
        value = request.POST.get(field)
        if value:
            return value.strip().casefold()[:254]
    return ""


def auth_blocked(request, scope):
    """True when this client or the account it names is over its limit for `scope`."""
    window = settings.KUBEPREP_AUTH_WINDOW_SECONDS
    ip, account = client_ip(request), _account(request)
    if count(f"{scope}:ip", ip, window) >= settings.KUBEPREP_AUTH_LIMIT_PER_CLIENT:
        return True
    return bool(account) and count(f"{scope}:account", account, window) >= settings.KUBEPREP_AUTH_LIMIT_PER_ACCOUNT


def _nul_field(query_dict):
    """The name of the first field whose name or value holds a NUL byte, or None."""
    for key, values in query_dict.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key.replace("\x00", "")
    return None


class HardeningMiddleware:
    """Rejects NUL bytes in query strings and form fields (400), throttles sign-in, sign-up and reset (429)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        query = request.META.get("QUERY_STRING", "")
        # Only "%00" (or a raw NUL) decodes to a NUL: without one, the query string is not parsed here.
        field = _nul_field(request.GET) if "%00" in query or "\x00" in query else None
        if field is None and request.method == "POST":
            field = _nul_field(request.POST)
        if field is not None:
            message = gettext("The request contains a NUL character, which no field accepts.")
            if request.path.startswith("/api/"):
                return JsonResponse({"errors": {field: message}}, status=400)
            return HttpResponseBadRequest(f"{field}: {message}", content_type="text/plain; charset=utf-8")
        if request.method != "POST" or request.resolver_match is None:
            return None
        scope = THROTTLED_VIEWS.get(request.resolver_match.view_name)
        if scope is None:
            return None
        if auth_blocked(request, scope):
            logger.warning("throttled %s from %s for %r", scope, client_ip(request), _account(request))
            return too_many(request)
        if scope != "login":  # sign-up and reset count every attempt; logins count failures (below)
            window = settings.KUBEPREP_AUTH_WINDOW_SECONDS
            hit(f"{scope}:ip", client_ip(request), window)
            if _account(request):
                hit(f"{scope}:account", _account(request), window)
        return None


@receiver(user_login_failed)
def _count_login_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    window = settings.KUBEPREP_AUTH_WINDOW_SECONDS
    ip = client_ip(request)
    account = str(credentials.get("username", "")).strip().casefold()[:254]
    by_ip = hit("login:ip", ip, window)
    by_account = hit("login:account", account, window) if account else 0
    logger.warning("failed sign-in from %s for %r (%d from this address, %d for this account)", ip, account, by_ip, by_account)


def sim_run_allowed(request):
    """Count one uncached simulator run for this client; False when over the per-minute budget."""
    limit = settings.KUBEPREP_SIM_RUNS_PER_MINUTE
    if limit <= 0:
        return True
    return hit("sim:ip", client_ip(request), 60) <= limit
