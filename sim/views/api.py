from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from sim import registry
from sim.engine import ParamError
from sim.services import RunLimited, api_body, api_body_for_query, query_from_request
from sim.views.common import param_names


@require_safe
def simulate(request, kind):
    """JSON API: GET /api/sim/<kind>?<params> answers the run or 400 with every bad field."""
    simulator = registry.lookup(kind)
    if simulator is None:
        raise Http404("Unknown simulator")
    query_string = request.META.get("QUERY_STRING", "")
    body = api_body_for_query(kind, query_string)
    if body is not None:
        return HttpResponse(body, content_type="application/json")
    try:
        raw = query_from_request(request)
        if "preset" in request.GET and "preset" in param_names(simulator.engine):
            raw["preset"] = request.GET["preset"]  # a parameter of the engine, not the page-only key
        params = simulator.engine.parse_params(raw)
    except ParamError as exc:
        return JsonResponse({"errors": exc.errors}, status=400)
    try:
        body = api_body(kind, params, client=request, query_string=query_string)
    except RunLimited:
        response = JsonResponse({"errors": {"__all__": gettext(
            "Too many new simulator runs from your address: wait a minute, or use a run that has been shown before."
        )}}, status=429)
        response["Retry-After"] = "60"
        return response
    return HttpResponse(body, content_type="application/json")
