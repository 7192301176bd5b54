"""Whole-page cache for knowledge-base and simulator pages, keyed on the content version.

A cached page is stored as encoded pieces split where the CSRF token and the CSP nonce were, and each hit
joins them with this response's own (a fresh masked token from `get_token`, which also sets the cookie; the request's nonce,
which the CSP middleware then puts in the header). The key holds the content version read from the database
(kbase.models.content_version), so an admin edit, a revision restore or a re-import shows on the next
request on every worker, with no timeout involved.

Anonymous visitors with no session and no pending messages are served from the cache. Signed-in learners
are too, on views that say what a page shows of the learner's own (`per_user`: for a question page, whether
it is in their deck): that value is part of the key, so two learners share a page only when everything it
shows them is the same. The menu of a signed-in page depends on nothing but being signed in, and a learner
with messages waiting (in the cookie or the session) always gets a freshly rendered page.
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


MESSAGES_SESSION_KEY = "_messages"  # django.contrib.messages.storage.session.SessionStorage.session_key


def _audience(request, per_user, args, kwargs):
    """"anon", "user:<what the page shows of the learner's own>", or None when the page must be rendered."""
    if request.method not in ("GET", "HEAD") or "messages" in request.COOKIES:
        return None
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return "anon" if not request.user.is_authenticated else None
    if per_user is None or not request.user.is_authenticated or MESSAGES_SESSION_KEY in request.session:
        return None
    return "user:" + per_user(request, *args, **kwargs)


def request_content_version(request):
    """The content version, read once per request (the page cache's key and the view may both need it)."""
    if not hasattr(request, "_kbase_content_version"):
        request._kbase_content_version = content_version()
    return request._kbase_content_version


def _key(request, versioned, audience):
    raw = "|".join([
        str(request_content_version(request)) if versioned else "-", get_language() or "", request.get_full_path(),
        "htmx" if request.htmx else "", audience,
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


CSRF, NONCE = 0, 1  # markers among the stored pieces (which are bytes); ints survive pickling, as the cache needs
_SLOTS = re.compile("(" + re.escape(CSRF_PLACEHOLDER) + "|" + re.escape(NONCE_PLACEHOLDER) + ")")


def _stored_form(html, charset):
    """The page as a tuple of encoded pieces, with CSRF and NONCE markers where the fresh values go.

    Split once when stored, so that a hit joins pieces instead of searching the whole page for placeholders
    and encoding it again.
    """
    return tuple(
        CSRF if piece == CSRF_PLACEHOLDER else NONCE if piece == NONCE_PLACEHOLDER else piece.encode(charset)
        for piece in _SLOTS.split(html) if piece
    )


def _filled(request, pieces):
    """This response's body: the stored pieces with its own CSRF token and CSP nonce in the marked places."""
    fresh = [
        get_token(request).encode() if CSRF in pieces else b"",
        str(request._csp_nonce).encode() if NONCE in pieces else b"",
    ]
    return b"".join(fresh[piece] if type(piece) is int else piece for piece in pieces)


def nothing_of_their_own(request, *args, **kwargs):
    """`per_user` for pages that show a signed-in learner nothing of their own beyond the menu."""
    return ""


def page_cache(view=None, *, when=None, versioned=True, per_user=None):
    """Serve `view`'s 200 HTML responses from the cache (see the module docstring).

    `when(request)`, if given, must also be true: simulator pages cache only their parameterless and preset
    forms, so arbitrary parameters cannot fill the cache. `versioned=False` leaves the content version out of
    the key, for pages that show no knowledge-base content (the simulators: then no query at all).
    `per_user(request, *args, **kwargs)` returns, as a string, everything the page shows of a signed-in
    learner's own data; without it signed-in learners always get a freshly rendered page.
    """
    if view is None:
        return functools.partial(page_cache, when=when, versioned=versioned, per_user=per_user)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if when is not None and not when(request):
            return view(request, *args, **kwargs)
        audience = _audience(request, per_user, args, kwargs)
        if audience is None:
            return view(request, *args, **kwargs)
        key = _key(request, versioned, audience)
        stored = cache.get(key)
        if stored is not None:
            content_type, pieces = stored
            return HttpResponse(_filled(request, pieces), content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and len(response.content) <= MAX_BYTES:
            html = response.content.decode(response.charset)
            pieces = _stored_form(_with_placeholders(request, html), response.charset)
            cache.set(key, (response["Content-Type"], pieces), CACHE_SECONDS)
        return response

    return wrapper
