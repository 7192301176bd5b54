"""CSRF secrets and masks from one read of the system's random source instead of one per character.

Every page carries a masked CSRF token (django.middleware.csrf.get_token): a new 32-character secret for a
visitor without the cookie, and a new 32-character mask on every response. Django draws each character with
`secrets.choice` (django.utils.crypto.get_random_string), one os.urandom call per character: 64 calls and
~70 µs of a page that costs ~400 µs. `new_csrf_string` draws the same strings (32 characters, uniform over
CSRF_ALLOWED_CHARS, from os.urandom through `secrets.token_bytes`) from one call: bytes below 248 = 4 * 62
map to a character by their value mod 62, the 8 values above are dropped (rejection sampling, so no bias).
Secrets, masking, the cookie and the checks stay Django's own code; only the source of the strings is swapped
(`install`, called from kbase.apps.KbaseConfig.ready). `install` fails loudly if Django stops drawing them
through `_get_new_csrf_string`, so an upgrade cannot silently drop it.
"""

import secrets

from django.middleware import csrf

_CHARS = csrf.CSRF_ALLOWED_CHARS
_LENGTH = csrf.CSRF_SECRET_LENGTH
_KEPT = 256 - 256 % len(_CHARS)  # 248: every character has exactly 4 byte values below it
_TABLE = bytes(ord(_CHARS[value % len(_CHARS)]) if value < _KEPT else 0 for value in range(256))
_DROPPED = bytes(range(_KEPT, 256))


def new_csrf_string():
    """A random string of CSRF_SECRET_LENGTH characters, uniform over CSRF_ALLOWED_CHARS."""
    drawn = b""
    while len(drawn) < _LENGTH:  # 40 bytes keep 32 or more but once in ~10^7 draws
        drawn += secrets.token_bytes(_LENGTH + 8).translate(_TABLE, _DROPPED)
    return drawn[:_LENGTH].decode("ascii")


def install():
    if not callable(getattr(csrf, "_get_new_csrf_string", None)):
        raise RuntimeError("django.middleware.csrf._get_new_csrf_string is gone: review config/csrf.py")
    csrf._get_new_csrf_string = new_csrf_string
