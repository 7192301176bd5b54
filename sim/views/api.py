from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from sim.engine import KINDS, ParamError
from sim.services import query_from_request, simulate_cached


@require_GET
def simulate(request, kind):
    """JSON API: GET /api/sim/<kind>?<params> answers the run or 400 with every bad field."""
    if kind not in KINDS:
        raise Http404("Unknown simulator")
    try:
        params, result = simulate_cached(kind, query_from_request(request))
    except ParamError as exc:
        return JsonResponse({"errors": exc.errors}, status=400)
    return JsonResponse({"kind": kind, "params": params.to_query(), **result})
