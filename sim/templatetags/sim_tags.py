import importlib
import re

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.http import urlencode

from sim.engine import KINDS, ParamError
from sim.services import simulate_cached

register = template.Library()

INLINE_CODE = re.compile(r"`([^`]+)`")


def caption_html(text):
    """Captions are plain text in which `backticks` mark code, as in the answers' Markdown."""
    return mark_safe(INLINE_CODE.sub(r"<code>\1</code>", escape(text)))


VIEW_MODULES = {"rolling-update": "rolling", "etcd": "etcd", "pod-lifecycle": "pod"}


@register.simple_tag(takes_context=True)
def sim_embed(context, preset, lang="en"):
    """Render a content preset ({kind, params, caption}) as a compact embedded run."""
    kind = preset.get("kind")
    caption = caption_html((preset.get("caption") or {}).get("zh" if lang.startswith("zh") else "en", ""))
    if kind not in KINDS:
        return render_to_string("sim/_embed_error.html", {"kind": kind, "caption": caption, "errors": {}})
    try:
        params, result = simulate_cached(kind, preset.get("params") or {})
    except ParamError as exc:
        return render_to_string("sim/_embed_error.html", {"kind": kind, "caption": caption, "errors": exc.errors})
    views = importlib.import_module(f"sim.views.{VIEW_MODULES[kind]}")
    full_url = reverse(f"sim:{kind}") + "?" + urlencode(params.to_query())
    ctx = {
        "kind": kind,
        "caption": caption,
        "params": params,
        "result": result,
        "full_url": full_url,
        **views.embed_context(params, result),
    }
    return render_to_string(f"sim/{kind}_embed.html", ctx, request=context.get("request"))
