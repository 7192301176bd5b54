from django.shortcuts import render
from django.views.decorators.http import require_safe

from sim import registry


@require_safe
def index(request):
    """Every registered simulator with its summary and API address."""
    return render(request, "sim/index.html", {"simulators": registry.SIMULATORS})
