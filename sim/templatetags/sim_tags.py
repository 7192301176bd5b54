import hashlib
import json
import re

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from sim import registry
from sim.charts import COLOURS
from sim.engine import ParamError
from sim.services import simulate_cached

register = template.Library()

INLINE_CODE = re.compile(r"`([^`]+)`")


def caption_html(text):
    """Captions are plain text in which `backticks` mark code, as in the answers' Markdown."""
    return mark_safe(INLINE_CODE.sub(r"<code>\1</code>", escape(text)))


EMBED_CACHE_SECONDS = 24 * 3600


def _embed_key(preset, lang):
    raw = json.dumps([preset, lang, get_language()], sort_keys=True, default=str)
    return "sim-embed:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


@register.simple_tag
def sim_embed(preset, lang="en"):
    """Render a content preset ({kind, params, caption}) as a compact embedded run.

    Cached per (preset, caption language, active language): engines are deterministic and the embed uses
    nothing of the request, so it is rendered without one (no context processors, no per-request tokens).
    """
    key = _embed_key(preset, lang)
    html = cache.get(key)
    if html is None:
        html = _render_embed(preset, lang)
        cache.set(key, html, EMBED_CACHE_SECONDS)
    return mark_safe(html)


def _render_embed(preset, lang):
    kind = preset.get("kind")
    caption = caption_html((preset.get("caption") or {}).get("zh" if lang.startswith("zh") else "en", ""))
    simulator = registry.lookup(kind)
    if simulator is None:
        return render_to_string("sim/_embed_error.html", {"kind": kind, "caption": caption, "errors": {}})
    try:
        params = simulator.engine.parse_params(preset.get("params") or {})
    except ParamError as exc:
        return render_to_string("sim/_embed_error.html", {"kind": kind, "caption": caption, "errors": exc.errors})
    result = simulate_cached(kind, params)
    ctx = {
        "simulator": simulator,
        "kind": kind,
        "caption": caption,
        "params": params,
        "result": result,
        "full_url": reverse(simulator.url_name) + "?" + urlencode(params.to_query()),
        **simulator.embed_context(params, result),
    }
    return render_to_string(simulator.embed_template, ctx)


@register.simple_tag
def sim_stylesheets(simulator=None):
    """<link>s to the shared simulator styles and `simulator`'s own, or every kind's (pages that embed runs)."""
    sheets = registry.stylesheets(simulator)
    return format_html_join("\n", '<link rel="stylesheet" href="{}">', ((static(sheet),) for sheet in sheets))


@register.simple_tag
def sim_colour(name):
    """A colour from the one chart colour table (sim/charts/colours.py); an unknown name is an error."""
    return COLOURS[name]
