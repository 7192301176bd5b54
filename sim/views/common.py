"""What every simulator page shares: the form's validation, the page flow, presets and share links."""

from __future__ import annotations

from functools import cache

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django_htmx.http import push_url

from sim.engine import ParamError
from sim.messages import localize
from sim.services import RunLimited, simulate_cached


@cache
def param_names(engine) -> tuple[str, ...]:
    """Every query parameter the engine reads, in its canonical order."""
    return tuple(engine.parse_params({}).to_query())


class SimulatorForm(forms.Form):
    """A simulator's parameters; `clean()` returns the engine's Params (the engine validates).

    Subclasses set `engine` to the engine module and declare one field per parameter.
    """

    label_suffix = ""
    engine = None

    @classmethod
    def showing(cls, params):
        """An unbound form whose fields show the run's canonical parameters."""
        form = cls(initial=params.to_query())
        for name, field in form.fields.items():
            if isinstance(field, forms.BooleanField):
                form.initial[name] = form.initial[name] == "true"
        return form

    def clean(self):
        raw = {name: self.data[name] for name in param_names(self.engine) if name in self.data}
        try:
            self.cleaned_data["params"] = self.engine.parse_params(raw)
        except ParamError as exc:
            labels = {name: self.error_label(name) for name in self.fields}
            for field, message in exc.errors.items():
                self.add_error(field if field in self.fields else None, localize(message, labels))
        return self.cleaned_data

    def error_label(self, name):
        """How errors name a field: the label the form shows (subclasses add context, e.g. the probe)."""
        field = self.fields.get(name)
        return str(field.label) if field is not None and field.label else name

    def labelled_errors(self):
        """{label: messages} for the error box, in the form's field order."""
        return {
            (gettext("Parameters") if name == NON_FIELD_ERRORS else self.error_label(name)): messages
            for name, messages in self.errors.items()
        }

    def groups(self):
        """Fieldsets in the order the page shows them; none when the page lists the fields in order."""
        return []


def simulator_page(request, simulator):
    """Run `simulator` (a `sim.registry.Simulator`) with the GET parameters and render its page.

    htmx requests get only the result region (`sim/_page.html#result`, or `#region` with the form).
    Without parameters the page shows the default run. Invalid input answers 400 with the form's
    errors, plus the simulator's `error_context()` for whatever the page shows even without a run.
    """
    engine, form_class = simulator.engine, simulator.form_class
    params = engine.parse_params({})
    if any(name in request.GET for name in param_names(engine)):
        form = form_class(request.GET)
        if not form.is_valid():
            context = {"simulator": simulator, "form": form, "groups": form.groups(),
                       "presets": preset_links(engine, simulator.presets), "errors": form.labelled_errors(),
                       **(simulator.error_context() if simulator.error_context else {})}
            return _render(request, simulator, context, status=400)
        params = form.cleaned_data["params"]
    try:
        result = simulate_cached(simulator.kind, params, client=request)
    except RunLimited:
        form = form_class.showing(params)
        context = {"simulator": simulator, "form": form, "groups": form.groups(),
                   "presets": preset_links(engine, simulator.presets),
                   "errors": {gettext("Parameters"): [gettext(
                       "Too many new simulator runs from your address: wait a minute, or pick a preset."
                   )]},
                   **(simulator.error_context() if simulator.error_context else {})}
        response = _render(request, simulator, context, status=429)
        response["Retry-After"] = "60"
        return response
    form = form_class.showing(params)
    context = {"simulator": simulator, "form": form, "groups": form.groups(),
               "presets": preset_links(engine, simulator.presets, current=params),
               **simulator.result_context(request, params, result)}
    return _render(request, simulator, context)


def _render(request, simulator, context, *, status=200):
    if request.htmx:
        template = "sim/_page.html#region" if simulator.swaps_form else "sim/_page.html#result"
    else:
        template = simulator.page_template
    response = render(request, template, context, status=status)
    if request.htmx and status == 400:
        # The inline errors replace the result, but the address keeps the last valid run.
        push_url(response, False)
    return response


def preset_links(engine, presets, *, current=None):
    """Each (slug, label, raw parameters) preset with its canonical query; `current` marks the one shown."""
    links = []
    for slug, label, raw in presets:
        params = engine.parse_params(raw)
        links.append({"slug": slug, "label": label, "query": urlencode(params.to_query()), "current": params == current})
    return links


def run_links(request, kind, params):
    """The run's permalink (absolute, for copying) and its JSON API address."""
    query = urlencode(params.to_query())
    return {
        "share_url": request.build_absolute_uri(f"{reverse(f'sim:{kind}')}?{query}"),
        "api_url": f"{reverse('sim-api', args=[kind])}?{query}",
    }
