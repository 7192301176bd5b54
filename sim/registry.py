"""Every simulator, registered once.

URLs, the simulator index, the JSON API, the `sim_embed` tag, content and admin validation and the
stylesheet list all read `SIMULATORS`; there is no other kind-to-module map. A new kind adds one
`Simulator(...)` below (see ADDING_A_SIMULATOR.md beside this file).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sim.engine import Engine, ParamError
from sim.engine import etcd as etcd_engine
from sim.engine import pod as pod_engine
from sim.engine import rolling as rolling_engine
from sim.engine import service as service_engine
from sim.views import etcd as etcd_views
from sim.views import pod as pod_views
from sim.views import rolling as rolling_views
from sim.views import service as service_views

# The .sim-* classes every kind's page and embed use.
SHARED_STYLESHEET = "css/sim.css"


@dataclass(frozen=True)
class Simulator:
    """One simulator kind and everything the web side needs to serve it.

    - `engine`: the pure engine module (`sim.engine.protocol.Engine`);
    - `form_class`: a `SimulatorForm` whose `engine` is the same module;
    - `presets`: `(slug, label, raw params)` links shown above the form;
    - `result_context(request, params, result)`: what the page's result region shows;
    - `embed_context(params, result)`: what an answer's embedded run shows;
    - `error_context()`: what the page shows beside the errors of invalid input;
    - `bad_query`: parameters the engine rejects, each naming its field (the contract test
      expects a 400 naming every key);
    - `prefix`: the short name the templates use in ids and class names (default: the kind);
    - `stylesheet`: the kind's own static CSS beyond `css/sim.css`, if it needs any;
    - `swaps_form`: htmx swaps the form with the result (for results whose links change the
      parameters, as etcd's fault buttons do); otherwise only the result region is swapped.

    The page template (`sim/<kind>.html`) extends `sim/_page.html` and defines the partial
    `figures`, plus `reference` when there is an `error_context`; the embed template
    (`sim/<kind>_embed.html`) extends `sim/_embed.html`.
    """

    kind: str
    engine: Engine
    form_class: type
    presets: tuple
    result_context: Callable[..., dict[str, Any]]
    embed_context: Callable[..., dict[str, Any]]
    title: Promise
    summary: Promise
    bad_query: Mapping[str, str]
    prefix: str = ""
    stylesheet: str = ""
    error_context: Callable[[], dict[str, Any]] | None = None
    swaps_form: bool = False
    page_template: str = ""
    embed_template: str = ""

    def __post_init__(self):
        if self.engine.KIND != self.kind:
            raise ValueError(f"{self.kind}: the engine's KIND is {self.engine.KIND!r}")
        if getattr(self.form_class, "engine", None) is not self.engine:
            raise ValueError(f"{self.kind}: {self.form_class.__name__}.engine is not the registered engine")
        object.__setattr__(self, "prefix", self.prefix or self.kind)
        object.__setattr__(self, "page_template", self.page_template or f"sim/{self.kind}.html")
        object.__setattr__(self, "embed_template", self.embed_template or f"sim/{self.kind}_embed.html")

    @property
    def url_name(self) -> str:
        return f"sim:{self.kind}"

    @property
    def figures_template(self) -> str:
        return f"{self.page_template}#figures"

    @property
    def reference_template(self) -> str | None:
        return f"{self.page_template}#reference" if self.error_context else None


SIMULATORS: tuple[Simulator, ...] = (
    Simulator(
        kind=rolling_engine.KIND,
        engine=rolling_engine,
        form_class=rolling_views.RollingUpdateForm,
        presets=rolling_views.PRESETS,
        result_context=rolling_views.result_context,
        embed_context=rolling_views.embed_context,
        title=_("Deployment rolling update"),
        summary=_("maxSurge, maxUnavailable and the deployment controller's steps, Recreate, stalled rollouts."),
        bad_query={"replicas": "-1", "max_surge": "abc"},
        prefix="rolling",
        stylesheet="css/sim-rolling.css",
    ),
    Simulator(
        kind=etcd_engine.KIND,
        engine=etcd_engine,
        form_class=etcd_views.EtcdForm,
        presets=etcd_views.PRESETS,
        result_context=etcd_views.result_context,
        embed_context=etcd_views.embed_context,
        error_context=etcd_views.error_context,
        swaps_form=True,
        title=_("etcd / Raft fault tolerance"),
        summary=_("Quorum, leader election, member failures and network partitions."),
        bad_query={"members": "12", "events": "boom"},
        prefix="etcd",
        stylesheet="css/sim-etcd.css",
    ),
    Simulator(
        kind=pod_engine.KIND,
        engine=pod_engine,
        form_class=pod_views.PodLifecycleForm,
        presets=pod_views.PRESETS,
        result_context=pod_views.result_context,
        embed_context=pod_views.embed_context,
        title=_("Pod lifecycle"),
        summary=_("Phases, restart back-off, probes, init containers and graceful termination, as the kubelet runs them."),
        bad_query={"readiness_period": "0", "horizon_seconds": "5"},
        prefix="pod",
        stylesheet="css/sim-pod.css",
    ),
    Simulator(
        kind=service_engine.KIND,
        engine=service_engine,
        form_class=service_views.ServiceForm,
        presets=service_views.PRESETS,
        result_context=service_views.result_context,
        embed_context=service_views.embed_context,
        swaps_form=True,
        title=_("Service traffic routing"),
        summary=_("The rules kube-proxy writes in iptables, nftables and IPVS mode: endpoints, probabilities, traffic policies, masquerading."),
        bad_query={"endpoints": "node-a:sleepy", "mode": "userspace"},
        prefix="service",
        stylesheet="css/sim-service.css",
    ),
)

_BY_KIND = {simulator.kind: simulator for simulator in SIMULATORS}
if len(_BY_KIND) != len(SIMULATORS):
    raise ValueError("two simulators share a kind")


def kinds() -> tuple[str, ...]:
    return tuple(_BY_KIND)


def lookup(kind) -> Simulator | None:
    """The registered simulator for `kind`, or None (also for a kind that is not a string)."""
    return _BY_KIND.get(kind) if isinstance(kind, str) else None


def get(kind) -> Simulator:
    """The registered simulator for `kind`; KeyError when there is none."""
    return _BY_KIND[kind]


def parse_params(kind, raw):
    """Parse raw parameters for `kind`; ParamError names every problem, an unknown kind included."""
    simulator = lookup(kind)
    if simulator is None:
        raise ParamError({"kind": f"unknown simulator {kind!r}; expected one of {', '.join(kinds())}"})
    return simulator.engine.parse_params(raw)


def stylesheets(only: Simulator | None = None) -> list[str]:
    """The shared stylesheet, then `only`'s own or (for pages embedding any run) every kind's, each once."""
    sheets = [SHARED_STYLESHEET]
    for simulator in (only,) if only else SIMULATORS:
        if simulator.stylesheet and simulator.stylesheet not in sheets:
            sheets.append(simulator.stylesheet)
    return sheets
