from django.shortcuts import render
from django.views.decorators.http import require_GET

from sim import registry


@require_GET
def index(request):
    """Every registered simulator with its summary and API address."""
    return render(request, "sim/index.html", {"simulators": registry.SIMULATORS})
