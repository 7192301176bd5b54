"""The pod lifecycle simulator page, its htmx fragment and the embed in answers."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from sim.engine import pod
from sim.views.pod import PRESETS, changed_params, embed_context, watch_lines
from tests.sim.helpers import LANGS, h1_count, page_getter, query_of, share_url

PAGE = "/{lang}/sim/pod-lifecycle/"
get = page_getter(PAGE)


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_renders_the_default_run_with_one_h1(client, lang):
    response = get(client, lang)
    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(html) == 1
    assert f'lang="{lang}"' in html
    assert 'role="img"' in html and 'class="pod-chart' in html
    assert 'hx-get="/%s/sim/pod-lifecycle/"' % lang in html
    assert 'method="get"' in html and 'hx-push-url="true"' in html
    assert "Successfully assigned default/demo to node-1" in html


def test_the_form_groups_app_behaviour_probes_restart_policy_and_deletion(client):
    html = get(client, query="liveness=true").content.decode()
    for legend in ("Restart policy", "App behaviour", "Deletion"):
        assert f"<legend>{legend}</legend>" in html
    for probe in ("startup", "liveness", "readiness"):
        assert f'id="probe-{probe}"' in html
    assert re.search(r'<details class="pod-fieldset probe" id="probe-liveness" open>', html)
    assert re.search(r'<details class="pod-fieldset probe" id="probe-startup">', html)
    assert re.search(r'name="liveness"[^>]*checked', html)


def test_the_status_column_is_printed_like_kubectl_get_pod_watch(client):
    html = get(client, query="exit_after_seconds=2&exit_code=1&horizon_seconds=120").content.decode()
    watch = html.split('<pre class="pod-watch"')[1].split("</pre>")[0]
    assert re.search(r"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE", watch)
    assert re.search(r"demo\s+0/1\s+CrashLoopBackOff\s+2 \(10s ago\)\s+28s", watch)


def test_the_events_table_counts_repeats(client):
    html = get(client, query="readiness=true&hang_at_seconds=30&horizon_seconds=300").content.decode()
    assert "Readiness probe failed" in html
    assert re.search(r"\(x\d+ over \d+s\)", html)


def test_the_htmx_request_gets_only_the_result_fragment(client):
    response = get(client, query="liveness=true&hang_at_seconds=60&horizon_seconds=200", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<h1" not in html
    assert html.strip().startswith('<section id="pod-result"')
    assert "Container app failed liveness probe, will be restarted" in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("lang", LANGS)
def test_invalid_parameters_answer_400_and_name_every_field(client, lang):
    response = get(client, lang, "liveness_success_threshold=2&readiness_period=0&recover_at_seconds=5")
    html = response.content.decode()
    assert response.status_code == 400
    assert h1_count(html) == 1
    if lang == "en":
        for label in ("liveness probe: successThreshold", "readiness probe: periodSeconds", "App recovers at (s)"):
            assert f"<strong>{label}</strong>" in html
        assert "must be 1 for a liveness probe" in html
        assert "needs “App hangs at (s)”" in html
    else:
        for label in ("liveness 探针: successThreshold", "readiness 探针: periodSeconds", "应用恢复时间（秒）"):
            assert f"<strong>{label}</strong>" in html
        assert "liveness 探针必须为 1" in html
    assert "hang_at_seconds" not in html.split('role="alert"')[1].split("</div>")[0]


def test_invalid_parameters_in_an_htmx_request_show_the_errors_in_the_fragment(client):
    response = get(client, query="horizon_seconds=5", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 400 and "<html" not in html
    assert "must be at least 10" in html


def test_the_share_url_reproduces_the_run(client):
    html = get(client, query="restart_policy=OnFailure&exit_after_seconds=4&exit_code=3&readiness=on").content.decode()
    query = query_of(share_url(html, "pod"))
    assert pod.parse_params(query) == pod.parse_params(
        {"restart_policy": "OnFailure", "exit_after_seconds": 4, "exit_code": 3, "readiness": True}
    )


def test_the_chinese_page_keeps_kubelet_output_english(client):
    html = get(client, "zh-hans", "exit_after_seconds=2&exit_code=1").content.decode()
    assert "Back-off restarting failed container app" in html
    assert "/zh-hans/sim/pod-lifecycle/?" in html


def test_presets_cover_the_classic_cases_and_mark_the_current_one(client):
    slugs = {slug for slug, _, _ in PRESETS}
    assert {"crash-loop", "slow-start", "slow-start-startup-probe", "hang-liveness", "hang-readiness", "graceful-sigterm",
            "ignored-sigterm", "prestop-overrun", "init-failure", "oom"} <= slugs
    html = get(client, query="exit_after_seconds=2&exit_code=1&horizon_seconds=900").content.decode()
    presets = html.split('class="pod-presets"')[1].split("</nav>")[0]
    assert presets.count('aria-current="true"') == 1
    assert re.search(r'data-preset="crash-loop" aria-current="true"', presets)


@pytest.mark.parametrize(("slug", "expected"), [
    ("crash-loop", "CrashLoopBackOff"), ("slow-start", "failed liveness probe"), ("hang-readiness", "Readiness probe failed"),
    ("graceful-sigterm", "exit code 0"), ("ignored-sigterm", "SIGKILL"), ("prestop-overrun", "allows 2 more seconds"),
    ("init-failure", "Init:CrashLoopBackOff"), ("init-failure-never", "Init:Error"), ("oom", "OOMKilled"),
    ("image-pull", "ImagePullBackOff"),
])
def test_each_preset_shows_what_it_is_about(client, slug, expected):
    query = next(p for p in PRESETS if p[0] == slug)[2]
    html = client.get(PAGE.format(lang="en"), {k: str(v) for k, v in query.items()}).content.decode()
    assert expected in html


def test_a_two_hour_run_keeps_the_page_small(client):
    response = get(client, query="exit_after_seconds=1&exit_code=1&readiness=true&readiness_period=1&horizon_seconds=7200")
    assert response.status_code == 200
    assert len(response.content) < 400_000


def test_the_page_has_no_inline_styles_or_scripts(client):
    html = get(client, query="liveness=true&readiness=true&delete_at_seconds=100&prestop_seconds=10").content.decode()
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


# --- embed ---------------------------------------------------------------------------------------


def render_embed(preset, lang="en"):
    with translation.override(lang):
        return Template("{% load sim_tags %}{% sim_embed preset lang %}").render(Context({"preset": preset, "lang": lang}))


@pytest.mark.parametrize("lang", LANGS)
def test_a_preset_embeds_a_compact_swimlane_status_lines_and_a_link(lang):
    preset = {"kind": "pod-lifecycle", "params": {"restart_policy": "Always", "exit_after_seconds": 2, "exit_code": 1,
                                                  "horizon_seconds": 1500},
              "caption": {"en": "A `CrashLoopBackOff`", "zh": "崩溃循环"}}
    html = render_embed(preset, lang)
    assert ("崩溃循环" if lang == "zh-hans" else "A <code>CrashLoopBackOff</code>") in html
    assert "pod-chart compact" in html and 'role="img"' in html
    assert re.search(r"demo\s+0/1\s+Error\s+1 \(2s ago\)", html)
    link = re.search(r'href="(/%s/sim/pod-lifecycle/\?[^"]+)"' % lang, html)[1].replace("&amp;", "&")
    assert "exit_after_seconds=2" in link and "horizon_seconds=1500" in link


def test_an_invalid_preset_shows_the_engine_errors():
    html = render_embed({"kind": "pod-lifecycle", "params": {"liveness_success_threshold": 2}, "caption": {}})
    assert "must be 1 for a liveness probe" in html


def test_embed_context_shortens_long_status_columns_and_lists_changed_parameters():
    params = pod.parse_params({"exit_after_seconds": 1, "exit_code": 1, "horizon_seconds": 3600, "liveness_period": 5})
    result = pod.simulate(params).to_dict()
    with translation.override("en"):
        context = embed_context(params, result)
    assert len(context["watch"]) == 13 and context["omitted_watch_lines"] == len(result["status_column"]) - 12
    assert context["chart"]["compact"]
    assert changed_params(params) == ["exit_after_seconds=1", "exit_code=1", "horizon_seconds=3600"]


def test_watch_lines_align_columns_like_kubectl():
    lines = watch_lines([{"name": "demo", "ready": "0/1", "status": "ContainerCreating", "restarts_text": "0", "age": "0s"},
                         {"name": "demo", "ready": "1/1", "status": "Running", "restarts_text": "1 (5s ago)", "age": "12s"}])
    assert lines == [
        "NAME   READY   STATUS              RESTARTS     AGE",
        "demo   0/1     ContainerCreating   0            0s",
        "demo   1/1     Running             1 (5s ago)   12s",
    ]


# --- chart geometry (sim/charts_pod.py) -----------------------------------------------------------


def test_the_swimlane_has_lanes_for_phase_containers_probes_conditions_and_endpoints():
    from sim.charts_pod import build_chart

    params = pod.parse_params({"init_containers": 1, "readiness": True, "liveness": True, "horizon_seconds": 120})
    result = pod.simulate(params).to_dict()
    with translation.override("en"):
        chart = build_chart(result, probes=("liveness", "readiness"))
    titles = [lane["title"] for lane in chart["lanes"]]
    assert titles[:3] == ["Pod phase", "init-1", "app"]
    assert {"liveness probe", "readiness probe", "Initialized", "ContainersReady", "Ready", "Service endpoints"} <= set(titles)
    for lane in chart["lanes"]:
        for bar in lane["bars"]:
            assert chart["plot_left"] - 2 <= bar["x"] <= chart["plot_right"]
            assert bar["x"] + bar["width"] <= chart["plot_right"] + 3
    assert [tick["label"] for tick in chart["ticks"]][:3] == ["0s", "15s", "30s"]
