"""Knowledge-base URLs resolved once per language and slug: a list of 50 questions makes 150-400 links."""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language


@functools.lru_cache(maxsize=16384)
def _resolved(prefix, language, name, arg):
    return reverse(name, args=[arg])


def page_url(name, arg):
    """reverse(name, args=[arg]) in the active language: each distinct URL is resolved once per process."""
    return _resolved(get_script_prefix(), get_language(), name, arg)


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"):
        _resolved.cache_clear()
