"""Small helpers for the simulator page tests."""

import re
from urllib.parse import parse_qs, urlsplit

LANGS = ["en", "zh-hans"]


def page_getter(path):
    """A `get(client, lang="en", query="", **headers)` for one page; `path` has a `{lang}` slot."""

    def get(client, lang="en", query="", **headers):
        return client.get(path.format(lang=lang) + (f"?{query}" if query else ""), **headers)

    return get


def h1_count(html):
    return len(re.findall(r"<h1[\s>]", html))


def share_url(html, prefix):
    """The permalink in the page's "Share this run" box, unescaped."""
    return re.search(r'id="%s-share-url" type="url" readonly value="([^"]+)"' % prefix, html)[1].replace("&amp;", "&")


def query_of(url):
    """A URL's query string as a dict of first values, blank values kept."""
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}
