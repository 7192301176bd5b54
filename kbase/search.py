"""Search result snippets: a window of the answer around the first matched term, terms highlighted."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

_MARKUP = re.compile(r"```[a-z]*|[`*_#>|\[\]]+")
_SPACE = re.compile(r"\s+")


def plain_text(markdown_text):
    """Markdown source as one line of readable text (markup characters dropped)."""
    return _SPACE.sub(" ", _MARKUP.sub(" ", markdown_text or "")).strip()


def snippet(markdown_text, terms, *, width=180):
    """HTML: about `width` characters of the text around the first term, every term in <mark>.

    The text is escaped piece by piece and only our own <mark> tags are added, so content can
    never inject markup here.
    """
    text = plain_text(markdown_text)
    ordered = [term for term in dict.fromkeys(terms) if term]
    terms = sorted(ordered, key=len, reverse=True)
    if not text:
        return mark_safe("")
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE) if terms else None
    # Centre on the whole phrase ("rolling update", "rolling-update") when the text has it.
    phrase = re.compile(r"[\s-]".join(re.escape(term) for term in ordered), re.IGNORECASE) if len(ordered) > 1 else None
    first = (phrase.search(text) if phrase else None) or (pattern.search(text) if pattern else None)
    start = max(0, first.start() - width // 3) if first else 0
    if start:
        space = text.find(" ", start, first.start()) if first else -1
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    window = text[start:end]
    pieces = []
    position = 0
    for match in pattern.finditer(window) if pattern else ():
        pieces.append(escape(window[position:match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(window[position:]))
    html = "".join(pieces)
    return mark_safe(("…" if start else "") + html + ("…" if end < len(text) else ""))
