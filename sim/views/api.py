from django.http import Http404, JsonResponse
from django.views.decorators.http import require_safe

from sim import registry
from sim.engine import ParamError
from sim.services import query_from_request, simulate_cached


@require_safe
def simulate(request, kind):
    """JSON API: GET /api/sim/<kind>?<params> answers the run or 400 with every bad field."""
    simulator = registry.lookup(kind)
    if simulator is None:
        raise Http404("Unknown simulator")
    try:
        params = simulator.engine.parse_params(query_from_request(request))
    except ParamError as exc:
        return JsonResponse({"errors": exc.errors}, status=400)
    return JsonResponse({"kind": kind, "params": params.to_query(), **simulate_cached(kind, params)})
