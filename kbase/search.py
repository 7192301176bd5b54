"""Search result snippets: a window of the answer around the first matched term, terms highlighted."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

_MARKUP_CHARACTERS = "`*_#>|[]"
_FENCE_LANGUAGE = re.compile(r"```(?:```)*[a-z]+")  # a literal prefix: the engine jumps between fences


def _fence_language(match):
    before = match.string[match.start() - 1] if match.start() else ""
    return match.group() if before and before in _MARKUP_CHARACTERS else " "


def plain_text(markdown_text):
    """Markdown source as one line of readable text (markup characters dropped).

    What re.sub(r"```[a-z]*|[`*_#>|\\[\\]]+", " ", text) then collapsing whitespace gives (a test holds it to
    that), about 10x faster: a search page makes 50 of these. The regex drops every markup character, and
    the letters after a run of markup that is exactly 3n backticks (a fence's language); so drop those
    letters, turn every markup character into a space and split on whitespace (str.split() splits on
    exactly the characters \\s matches).
    """
    text = markdown_text or ""
    if "```" in text:
        text = _FENCE_LANGUAGE.sub(_fence_language, text)
    for character in _MARKUP_CHARACTERS:  # str.replace is 100x faster than str.translate on non-ASCII text
        text = text.replace(character, " ")
    return " ".join(text.split())


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
