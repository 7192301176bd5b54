"""Search result rows: each question's row HTML, cached per content version, and a snippet of its answer.

A row is the same for every query but for its snippet (a window of the answer around the first matched term,
terms highlighted). So each worker keeps, per (language, question), the row's HTML split where the snippet
goes and the answer as plain text (`RowCache`), for one content version: the version is read on every request
(kbase.page_cache.request_content_version), so an edit, a revision restore or a re-import shows in the next
search on every worker. A search page then renders 20 snippets and joins strings.
"""

import html
import re
import threading
from collections import OrderedDict
from typing import NamedTuple

from django.template import loader
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kbase.models import is_zh

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


_ESCAPED = re.compile("[&<>\"']")  # the characters html.escape replaces
_ENTITY_NAMES = ("amp", "lt", "gt", "quot", "#x27")  # what it writes between & and ;


class Highlighter:
    """Snippets for one query's terms: the patterns are compiled once for the page's rows.

    The text is escaped piece by piece (html.escape, what django.utils.html.escape calls without its lazy-string
    wrapper) and only our own <mark> tags are added, so content can never inject markup here.
    """

    def __init__(self, terms, *, width=180):
        ordered = [term for term in dict.fromkeys(terms) if term]
        longest_first = sorted(ordered, key=len, reverse=True)
        self.width = width
        self.pattern = re.compile("|".join(map(re.escape, longest_first)), re.IGNORECASE) if ordered else None
        # Centre on the whole phrase ("rolling update", "rolling-update") when the text has it.
        self.phrase = re.compile(r"[\s-]".join(map(re.escape, ordered)), re.IGNORECASE) if len(ordered) > 1 else None
        # The same, case-sensitive, for a lower-cased text (see snippet_html).
        lowered = [term.lower() for term in ordered]
        self.lower_pattern = (
            re.compile("|".join(map(re.escape, sorted(lowered, key=len, reverse=True)))) if ordered else None
        )
        self.lower_phrase = re.compile(r"[\s-]".join(map(re.escape, lowered))) if len(ordered) > 1 else None
        # Terms that can match neither an escaped character nor inside an entity html.escape writes match the
        # escaped window exactly where they match the window: then escape once and mark in one substitution.
        self.escape_first = all(
            not any(character in term for character in "&<>\"';") and not any(term in name for name in _ENTITY_NAMES)
            for term in lowered
        )

    def snippet(self, text):
        """HTML: about `width` characters of plain `text` (see `plain_text`) around the first term, every term in <mark>."""
        return mark_safe(self.snippet_html(text))

    def snippet_html(self, text, lower=None):
        """`snippet` as a plain str (result_rows joins 20 of them into one page fragment).

        With `lower` (`lower_text(text)`, which the row cache keeps beside `text`), the terms are looked for in the
        lower-cased text, case-sensitively (through a whole answer ~8x faster than a case-insensitive search), and
        the window is cut from `text` at the same offsets.
        """
        if not text:
            return ""
        if lower is None:
            phrase, first_of, searched = self.phrase, self.pattern, text
        else:
            phrase, first_of, searched = self.lower_phrase, self.lower_pattern, lower
        pattern, width = self.pattern, self.width
        first = (phrase.search(searched) if phrase else None) or (first_of.search(searched) if first_of else None)
        start = max(0, first.start() - width // 3) if first else 0
        if start:
            space = searched.find(" ", start, first.start()) if first else -1  # lower-casing keeps every space
            start = space + 1 if space != -1 else start
        length = len(searched)
        end = min(length, start + width)
        window = text[start:end]
        if self.escape_first or _ESCAPED.search(window) is None:  # one substitution marks every term
            escaped = html.escape(window) if self.escape_first else window  # (else nothing to escape)
            marked = pattern.sub(r"<mark>\g<0></mark>", escaped) if pattern else escaped
            return ("…" if start else "") + marked + ("…" if end < length else "")
        pieces = ["…"] if start else []
        position = 0
        escape = html.escape
        for match in pattern.finditer(window) if pattern else ():
            pieces.append(escape(window[position:match.start()]))
            pieces.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
        pieces.append(escape(window[position:]))
        if end < length:
            pieces.append("…")
        return "".join(pieces)


SNIPPET_SLOT = "\x00kubeprep-snippet\x00"  # no question text holds a NUL


class _Row(NamedTuple):
    slug: str
    head: str  # the row's HTML up to the snippet
    tail: str  # and after it
    bare: str  # the row without a snippet (an answer with no plain text)
    text: str  # the answer in the active language as plain text, what snippets are cut from
    lower: str | None  # the same lower-cased (lower_text), or None when lower-casing would move characters


class ResultRow(NamedTuple):
    slug: str
    html: str


class RowCache:
    """Per-worker rows of one content version, at most `max_entries` (least recently used go first).

    At 10x today's content every row in both languages is about 43 MB (tracemalloc: each answer's plain text and
    its lower-cased copy, and the rows' HTML); the bound keeps a worker under that. A lower-cased text that only
    recorded its capitals (31 MB) cost ~0.06 ms a page putting each snippet's window back together.
    """

    def __init__(self, max_entries=4000):
        self.max_entries = max_entries
        self.version = None
        self.rows = OrderedDict()
        self.lock = threading.Lock()  # runserver and gthread serve requests on threads

    def clear(self):
        with self.lock:
            self.version, self.rows = None, OrderedDict()

    def get(self, version, ids, load):
        """{id: _Row} for `ids` in the active language; `load(missing ids)` gives the questions not cached."""
        language = get_language()
        with self.lock:
            if version != self.version:
                self.version, self.rows = version, OrderedDict()
            found = {}
            for pk in ids:
                row = self.rows.get((language, pk))
                if row is not None:
                    self.rows.move_to_end((language, pk))
                    found[pk] = row
        missing = [pk for pk in ids if pk not in found]
        if missing:
            fresh = {question.pk: _render_row(question) for question in load(missing)}
            found.update(fresh)
            with self.lock:
                if version == self.version:
                    self.rows.update(((language, pk), row) for pk, row in fresh.items())
                    while len(self.rows) > self.max_entries:
                        self.rows.popitem(last=False)
        return found


def _render_row(question):
    def render(snippet):
        question.snippet = snippet
        return loader.render_to_string("kbase/_question_row.html", {"question": question, "show_topic": True})

    head, _slot, tail = render(mark_safe(SNIPPET_SLOT)).partition(SNIPPET_SLOT)
    answer = question.answer_zh if is_zh() else question.answer_en
    text = plain_text(answer)
    return _Row(question.slug, head, tail, render(""), text, lower_text(text))


def lower_text(text):
    """`text` lower-cased, or None when lower-casing would move characters (e.g. "İ" becomes two)."""
    lower = text.lower()
    return lower if len(lower) == len(text) else None


ROWS = RowCache()


def result_rows(version, ids, terms, load):
    """The rows of questions `ids` (in that order, those that exist), each with its snippet for `terms`."""
    rows = ROWS.get(version, ids, load)
    snippet_html = Highlighter(terms).snippet_html
    results = []
    for row in (rows.get(pk) for pk in ids):
        if row is not None:
            snippet = snippet_html(row.text, row.lower)
            results.append(ResultRow(row.slug, SafeString(row.head + snippet + row.tail if snippet else row.bare)))
    return results


def rows_html(results):
    """The rows of `result_rows` as one HTML fragment (one template variable instead of a loop of 20)."""
    return SafeString("".join([row.html for row in results]))
