"""The one view behind every simulator page."""

from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from kbase.page_cache import nothing_of_their_own, page_cache
from sim import registry
from sim.views.common import simulator_page


@require_safe
@vary_on_headers("HX-Request")
@page_cache(when=lambda request: set(request.GET) <= {"preset"}, versioned=False, per_user=nothing_of_their_own)
def page(request, kind):
    """The simulator page; htmx requests get only the result region. Invalid input answers 400."""
    return simulator_page(request, registry.get(kind))
