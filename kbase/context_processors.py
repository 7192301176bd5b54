from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

_LANGUAGES = [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]
_PREFIXES = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)


def _in_language(path, code):
    """`path` in language `code`: swap the /<lang>/ prefix (slugs are not translated), else translate_url.

    The prefix swap gives what translate_url gives for every resolvable page without resolving and
    reversing the URL on every request (it was 6% of a question page).
    """
    for prefix in _PREFIXES:
        if path.startswith(prefix):
            return f"/{code}/" + path[len(prefix):]
    return translate_url(path, code)


def language_links(request):
    """Links to the current page in every language, for the language switch."""
    path = request.get_full_path()
    return {"language_links": [{"code": code, "name": name, "url": _in_language(path, code)} for code, name in _LANGUAGES]}
