"""Markdown to sanitised HTML, done once when content is imported or saved."""

import re

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h3", "h4", "h5", "h6",
    "hr", "i", "kbd", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "code": {"class"},
    "span": {"class"},
    "div": {"class"},
    "th": {"align"},
    "td": {"align"},
}
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "codehilite"]
EXTENSION_CONFIGS = {"codehilite": {"guess_lang": False, "noclasses": False, "use_pygments": False}}


def render_markdown(text):
    if not text:
        return ""
    html = md.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


_MARKUP = re.compile(r"[`*_#>|\[\]()]+")


def build_search_text(parts):
    """Lower-cased plain text of all searchable fields, for substring search in both languages."""
    text = " ".join(part for part in parts if part)
    return re.sub(r"\s+", " ", _MARKUP.sub(" ", text)).lower().strip()
