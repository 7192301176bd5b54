from django.urls import path

from sim import registry
from sim.views import index, page

app_name = "sim"

urlpatterns = [
    path("", index.index, name="index"),
    *(path(f"{simulator.kind}/", page.page, {"kind": simulator.kind}, name=simulator.kind)
      for simulator in registry.SIMULATORS),
]
