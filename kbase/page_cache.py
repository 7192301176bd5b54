"""Whole-page cache for anonymous knowledge-base pages, keyed on the content version.

A cached page is stored with placeholders where the CSRF token and the CSP nonce were, and each hit fills in
this response's own (a fresh masked token from `get_token`, which also sets the cookie; the request's nonce,
which the CSP middleware then puts in the header). The key holds the content version read from the database
(kbase.models.content_version), so an admin edit, a revision restore or a re-import shows on the next
request on every worker, with no timeout involved.

Only anonymous visitors with no session and no pending messages are served from the cache: anyone who could
see something of their own (menu, messages, deck state) gets a freshly rendered page.
"""

import functools
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils.translation import get_language

from kbase.models import content_version

CSRF_PLACEHOLDER = "\x00kubeprep-csrf\x00"
NONCE_PLACEHOLDER = "\x00kubeprep-nonce\x00"
MASKED_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")
MAX_BYTES = 512 * 1024  # bigger pages are rendered each time rather than filling the cache
CACHE_SECONDS = 24 * 3600  # invalidation is by content version; the timeout only frees memory


def _cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return not request.user.is_authenticated


def _key(request, versioned):
    raw = "|".join([
        str(content_version()) if versioned else "-", get_language() or "", request.get_full_path(), "htmx" if request.htmx else "",
    ])
    return "kbase-page:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def _with_placeholders(request, html):
    """`html` with this response's masked CSRF tokens and CSP nonce swapped for placeholders, or None."""
    secret = request.META.get("CSRF_COOKIE")
    if secret:
        html = MASKED_TOKEN.sub(
            lambda m: CSRF_PLACEHOLDER if _unmask_cipher_token(m.group()) == secret else m.group(), html
        )
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:  # a LazyNonce is true only once something used it
        html = html.replace(str(nonce), NONCE_PLACEHOLDER)
    return html


def _filled(request, html):
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in html:
        html = html.replace(NONCE_PLACEHOLDER, str(request._csp_nonce))
    return html


def anonymous_page_cache(view=None, *, when=None, versioned=True):
    """Serve `view`'s 200 HTML responses to anonymous visitors from the cache (see the module docstring).

    `when(request)`, if given, must also be true: simulator pages cache only their parameterless and preset
    forms, so arbitrary parameters cannot fill the cache. `versioned=False` leaves the content version out of
    the key, for pages that show no knowledge-base content (the simulators: then no query at all).
    """
    if view is None:
        return functools.partial(anonymous_page_cache, when=when, versioned=versioned)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request) or (when is not None and not when(request)):
            return view(request, *args, **kwargs)
        key = _key(request, versioned)
        stored = cache.get(key)
        if stored is not None:
            content_type, html = stored
            return HttpResponse(_filled(request, html), content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and len(response.content) <= MAX_BYTES:
            html = response.content.decode(response.charset)
            cache.set(key, (response["Content-Type"], _with_placeholders(request, html)), CACHE_SECONDS)
        return response

    return wrapper
