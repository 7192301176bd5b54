from django import template
from django.utils.html import format_html

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
