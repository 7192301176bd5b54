from django import template
from django.urls import get_script_prefix
from django.utils.html import format_html
from django.utils.translation import get_language

from kbase.links import page_url
from kbase.tags import tag_label as _tag_label

register = template.Library()


@register.filter
def tag_label(tag):
    return _tag_label(tag)


@register.simple_tag
def tag_link(tag):
    """A tag as a link to the listing of every question with that tag, labelled in the page's language."""
    return format_html('<a class="tag" href="{}">{}</a>', page_url("kbase:tag", tag), _tag_label(tag))


@register.tag
def same_for_everyone(parser, token):
    """{% same_for_everyone %}…{% endsame_for_everyone %}: rendered once per worker, language and signed-in state.

    For parts of the page frame that depend on nothing else (menu links, static file URLs, fixed text): they
    were re-rendered on every page (URL reversals, translations, manifest look-ups) for the same output. Nothing
    per request may go inside: no CSRF token, CSP nonce, path, query or user data beyond being signed in.
    """
    nodelist = parser.parse(("endsame_for_everyone",))
    parser.delete_first_token()
    return SameForEveryoneNode(nodelist)


class SameForEveryoneNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered = {}  # the node lives in the cached template, one per worker

    def render(self, context):
        user = context.get("user")
        key = (get_language(), get_script_prefix(), bool(user is not None and user.is_authenticated))
        html = self.rendered.get(key)
        if html is None:
            html = self.rendered[key] = self.nodelist.render(context)
        return html
