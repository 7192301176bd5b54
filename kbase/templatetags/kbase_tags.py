import re

from django import template
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix
from django.utils.functional import LazyObject, empty
from django.utils.html import format_html
from django.utils.safestring import SafeString
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


@register.simple_tag(takes_context=True)
def language_url(context, code):
    """This page's URL in language `code`, from the page's `language_links` (kbase.context_processors).

    For the language switch, whose markup is the same for everyone (a hole in {% same_for_everyone %}).
    """
    for link in context.get("language_links", ()):
        if link["code"] == code:
            return link["url"]
    return ""


@register.tag
def same_for_everyone(parser, token):
    """{% same_for_everyone %}…{% endsame_for_everyone %}: rendered once per worker, language and signed-in state.

    For parts of the page frame that depend on nothing else (menu links, static file URLs, fixed text): they
    were re-rendered on every page (URL reversals, translations, manifest look-ups) for the same output. Nothing
    per request may go inside, except in a {% per_request %}…{% endper_request %} hole: the CSRF token, the
    CSP nonce, the path, the query, messages, user data beyond being signed in. A {% block %} inside must sit
    in a hole (its content comes from the page that extends the template; the parser refuses it otherwise).
    A hole is rendered with the page's context plus the variables the cached part around it had set when it
    was recorded (a {% for %} or {% with %} of the cached part), so a hole in a loop renders once per item.
    """
    nodelist = parser.parse(("endsame_for_everyone",))
    parser.delete_first_token()
    return SameForEveryoneNode(nodelist)


@register.tag
def per_request(parser, token):
    """{% per_request %}…{% endper_request %}: a hole in {% same_for_everyone %}, rendered on every request."""
    nodelist = parser.parse(("endper_request",))
    parser.delete_first_token()
    return PerRequestNode(nodelist)


_RECORDING = "_kubeprep_holes"  # attribute of the Context while a same_for_everyone part is being recorded
_HOLE = re.compile("\x00kubeprep-hole:([0-9]+)\x00")


class PerRequestNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        recording = getattr(context, _RECORDING, None)
        if recording is None:  # not inside a part being recorded: an ordinary render
            return self.nodelist.render(context)
        holes, depth = recording
        around = {}
        for variables in context.dicts[depth:]:  # what loops and withs of the cached part set
            around.update(variables)
        holes.append(_Hole(self.nodelist, around))
        return f"\x00kubeprep-hole:{len(holes) - 1}\x00"


class _Hole:
    __slots__ = ("nodelist", "around")

    def __init__(self, nodelist, around):
        self.nodelist, self.around = nodelist, around

    def render(self, context):
        if not self.around:
            return self.nodelist.render(context)
        with context.push(self.around):
            return self.nodelist.render(context)


def _blocks_outside_holes(nodelist):
    for node in nodelist:
        if isinstance(node, BlockNode):
            yield node.name
        elif not isinstance(node, PerRequestNode):
            for attr in node.child_nodelists:
                yield from _blocks_outside_holes(getattr(node, attr, None) or ())


def _refuse_what_is_per_request(context, html):
    """Fail the first render, not every later page, when the response's CSP nonce or CSRF token got into a part."""
    nonce, token = context.get("csp_nonce"), context.get("csrf_token")
    used = []
    if nonce:  # a LazyNonce is true once something used it
        used.append(("CSP nonce", str(nonce)))
    if isinstance(token, LazyObject) and token._wrapped is not empty:  # the csrf context processor's, once used
        used.append(("CSRF token", str(token)))
    for name, value in used:
        if value and value in html:
            raise template.TemplateSyntaxError(
                f"The response's {name} is inside {{% same_for_everyone %}}: put it in a {{% per_request %}} hole."
            )


class SameForEveryoneNode(template.Node):
    def __init__(self, nodelist):
        blocks = list(_blocks_outside_holes(nodelist))
        if blocks:
            raise template.TemplateSyntaxError(
                f"{{% block {blocks[0]} %}} inside {{% same_for_everyone %}} must sit in a {{% per_request %}} hole."
            )
        self.nodelist = nodelist
        self.rendered = {}  # the node lives in the cached template, one per worker
        self.by_type = {}

    def get_nodes_by_type(self, nodetype):
        # Django's {% extends %} looks for the parent's blocks on every render; the nodes never change.
        nodes = self.by_type.get(nodetype)
        if nodes is None:
            nodes = self.by_type[nodetype] = super().get_nodes_by_type(nodetype)
        return list(nodes)

    def render(self, context):
        if getattr(context, _RECORDING, None) is not None:  # inside a part being recorded: its holes are that part's
            return self.nodelist.render(context)
        user = context.get("user")
        key = (get_language(), get_script_prefix(), bool(user is not None and user.is_authenticated))
        pieces = self.rendered.get(key)
        if pieces is None:
            pieces = self.rendered[key] = self.record(context)
        if type(pieces) is str:
            return pieces
        return SafeString("".join([piece if type(piece) is str else piece.render(context) for piece in pieces]))

    def record(self, context):
        """The part as a tuple of its fixed text (str) and its holes (_Hole), in order; a str if it has no holes."""
        outer = getattr(context, _RECORDING, None)
        holes = []
        setattr(context, _RECORDING, (holes, len(context.dicts)))
        try:
            html = str(self.nodelist.render(context))
        finally:
            setattr(context, _RECORDING, outer)
        _refuse_what_is_per_request(context, html)
        parts = _HOLE.split(html)
        found = [int(number) for number in parts[1::2]]
        if found != list(range(len(holes))):
            raise template.TemplateSyntaxError(
                "A {% per_request %} hole in {% same_for_everyone %} was dropped or repeated: keep holes out of "
                "filters and translations of the cached part."
            )
        pieces = []
        for index, text in enumerate(parts):
            if index % 2:
                pieces.append(holes[int(text)])
            elif text:
                pieces.append(str(text))
        return tuple(pieces) if holes else "".join(pieces)
