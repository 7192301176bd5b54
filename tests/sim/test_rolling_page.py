"""The rolling-update simulator page, its htmx fragment and the embed in answers."""

import re
from urllib.parse import urlsplit

import pytest
from django.template import Context, Template
from django.utils import translation

from sim.engine import rolling
from sim.views.rolling import PRESETS, embed_context, explain_rounding
from tests.sim.helpers import LANGS, h1_count, page_getter, query_of, share_url

PAGE = "/{lang}/sim/rolling-update/"
get = page_getter(PAGE)


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_renders_the_default_run_with_one_h1(client, lang):
    response = get(client, lang)
    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(html) == 1
    assert "Scaled up replica set web-new-7d9f8b6c from 0 to 1" in html
    assert 'role="img"' in html and "<svg" in html
    assert 'hx-get="/%s/sim/rolling-update/"' % lang in html
    assert 'method="get"' in html and 'hx-push-url="true"' in html


def test_the_chinese_page_is_translated_but_controller_events_stay_english(client):
    html = get(client, "zh-hans", "replicas=3").content.decode()
    assert 'lang="zh-hans"' in html
    assert "<h1>Deployment 滚动更新</h1>" in html
    assert "Scaled down replica set web-old-5d8f7c9b from 3 to 2" in html
    assert "/zh-hans/sim/rolling-update/?replicas=3" in html


def test_the_rounding_is_explained_for_the_given_numbers(client):
    html = get(client, query="replicas=10&max_surge=25%25&max_unavailable=25%25").content.decode()
    assert "maxSurge 25% of 10 replicas is 2.5, rounded up to 3." in html
    assert "maxUnavailable 25% of 10 replicas is 2.5, rounded down to 2." in html
    assert "at most 13 pods" in html and "at least 8 stay available" in html


def test_explanations_cover_absolute_numbers_the_fencepost_and_capping():
    with translation.override("en"):
        fencepost = explain_rounding(
            rolling.parse_params({"replicas": 2, "max_surge": 0, "max_unavailable": "1%"}),
            {"max_surge": 0, "max_unavailable": 1, "max_total": 2, "min_available": 1, "fencepost_bumped": True},
        )
        capped = explain_rounding(
            rolling.parse_params({"replicas": 2, "max_surge": 1, "max_unavailable": 5}),
            {"max_surge": 1, "max_unavailable": 2, "max_total": 3, "min_available": 0, "fencepost_bumped": False},
        )
        recreate = explain_rounding(rolling.parse_params({"strategy": "Recreate"}), {})
    assert any("uses maxUnavailable = 1" in sentence for sentence in fencepost)
    assert "maxSurge 1 is an absolute number of pods: no rounding." in capped
    assert any("capped at the 2 replicas" in sentence for sentence in capped)
    assert "Recreate ignores maxSurge and maxUnavailable" in recreate[0]


def test_the_htmx_request_gets_only_the_result_fragment(client):
    response = get(client, query="replicas=10&strategy=Recreate", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<h1" not in html
    assert html.strip().startswith('<section id="rolling-result"')
    assert "Scaled down replica set web-old-5d8f7c9b from 10 to 0" in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


@pytest.mark.parametrize("lang", LANGS)
def test_invalid_parameters_answer_400_and_name_every_field(client, lang):
    response = get(client, lang, "replicas=-1&max_surge=abc&max_unavailable=101%25")
    html = response.content.decode()
    assert response.status_code == 400
    assert h1_count(html) == 1
    for label in (("Replicas", "副本数")[lang != "en"], "maxSurge", "maxUnavailable"):
        assert f"<strong>{label}</strong>" in html
    assert ("must not be greater than 100%", "不能大于 100%")[lang != "en"] in html


def test_invalid_parameters_in_an_htmx_request_show_the_errors_in_the_fragment(client):
    response = get(client, query="max_surge=0&max_unavailable=0", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in html
    assert "may not be 0 when maxSurge is 0" in html


def test_the_share_url_reproduces_the_run(client):
    html = get(client, query="replicas=7&max_surge=2&max_unavailable=1&min_ready_seconds=4").content.decode()
    share = share_url(html, "rolling")
    query = query_of(share)
    assert rolling.parse_params(query) == rolling.parse_params(
        {"replicas": 7, "max_surge": 2, "max_unavailable": 1, "min_ready_seconds": 4}
    )
    assert get(client, query=urlsplit(share).query).content.decode().count("<tr>") == html.count("<tr>")


def test_the_form_shows_the_canonical_parameters_of_the_run(client):
    html = get(client, query="replicas=%2010&max_surge=007%25&new_pods_fail=on").content.decode()
    assert re.search(r'name="replicas" value="10"', html)
    assert re.search(r'name="max_surge" value="7%"', html)
    assert re.search(r'name="new_pods_fail"[^>]*checked', html)


def test_unknown_query_keys_are_ignored_by_the_page(client):
    assert get(client, query="replicas=4&utm_source=x").status_code == 200


def test_presets_link_to_their_runs_and_mark_the_current_one(client):
    html = get(client, query="replicas=10&max_surge=1&max_unavailable=0").content.decode()
    assert len(PRESETS) == 5
    presets = html.split('class="rolling-presets"')[1].split("</nav>")[0]
    assert presets.count('aria-current="true"') == 1
    canary = re.search(r'<a href="\?([^"]+)"[^>]*aria-current="true">', presets)[1].replace("&amp;", "&")
    assert "max_surge=1" in canary and "max_unavailable=0" in canary
    for slug in ("strategy=Recreate", "new_pods_fail=true"):
        assert slug in html


def test_the_failing_preset_reports_the_progress_deadline(client):
    html = get(client, query="replicas=3&new_pods_fail=true").content.decode()
    assert "ProgressDeadlineExceeded" in html
    assert "nothing rolls back by itself" in html


def test_a_long_rollout_keeps_the_page_small(client):
    response = get(client, query="replicas=10000&max_surge=1&max_unavailable=0")
    html = response.content.decode()
    assert response.status_code == 200
    assert "more steps are omitted" in html
    assert "Scaled down replica set web-old-5d8f7c9b from 1 to 0" in html
    assert len(html) < 250_000


def test_the_page_has_no_inline_styles_or_scripts(client):
    html = get(client, query="replicas=5").content.decode()
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


# --- embed ---------------------------------------------------------------------------------------


def render_embed(preset, lang="en"):
    with translation.override(lang):
        return Template("{% load sim_tags %}{% sim_embed preset lang %}").render(Context({"preset": preset, "lang": lang}))


@pytest.mark.parametrize("lang", LANGS)
def test_a_preset_embeds_a_compact_chart_table_and_a_link_to_the_full_run(lang):
    preset = {"kind": "rolling-update", "params": {"replicas": 3, "max_surge": "25%", "max_unavailable": "25%"},
              "caption": {"en": "Three replicas", "zh": "三个副本"}}
    html = render_embed(preset, lang)
    assert ("三个副本" if lang == "zh-hans" else "Three replicas") in html
    assert "rolling-chart compact" in html
    assert "Scaled up replica set web-new-7d9f8b6c from 0 to 1" in html
    link = re.search(r'href="(/%s/sim/rolling-update/\?[^"]+)"' % lang, html)[1].replace("&amp;", "&")
    assert "replicas=3" in link and "max_surge=25%25" in link


def test_an_invalid_preset_shows_the_engine_errors():
    html = render_embed({"kind": "rolling-update", "params": {"max_surge": 0, "max_unavailable": 0}, "caption": {}})
    assert "may not be 0 when `maxSurge` is 0" in html


def test_embed_context_shortens_long_runs():
    params = rolling.parse_params({"replicas": 50, "max_surge": 1, "max_unavailable": 0})
    result = rolling.simulate(params).to_dict()
    with translation.override("en"):
        context = embed_context(params, result)
    assert context["omitted_rows"] == len(result["steps"]) - 8
    assert context["table_rows"][-1]["event"] == "Scaled down replica set web-old-5d8f7c9b from 1 to 0"
    assert context["chart"]["compact"] and context["chart"]["shown"] <= 40


# --- chart geometry (sim/charts_rolling.py) --------------------------------------------------------


def test_sampling_keeps_the_first_and_last_steps_within_the_limit():
    from sim.charts_rolling import sample_indexes

    assert sample_indexes(5, 10) == [0, 1, 2, 3, 4]
    picked = sample_indexes(20_001, 120)
    assert picked[0] == 0 and picked[-1] == 20_000 and len(picked) <= 120
    assert picked == sorted(set(picked))


def test_chart_bars_stack_old_under_new_and_the_band_spans_min_to_max():
    from sim.charts_rolling import build_chart

    result = rolling.simulate(rolling.parse_params({"replicas": 10})).to_dict()
    chart = build_chart(result)
    unit = (chart["plot_bottom"] - chart["plot_top"]) / 13
    for column in chart["columns"]:
        assert column["old_y"] + column["old_height"] == pytest.approx(chart["plot_bottom"])
        assert column["new_y"] + column["new_height"] == pytest.approx(column["old_y"])
        assert column["old_height"] + column["new_height"] == pytest.approx(column["step"]["total"] * unit, abs=0.05)
    assert chart["max_total_y"] == pytest.approx(chart["plot_top"])
    assert chart["band"]["height"] == pytest.approx(5 * unit, abs=0.05)
    assert [tick["value"] for tick in chart["ticks"]] == [0, 8, 13]


def test_chart_adds_an_end_column_when_pods_become_ready_after_the_last_scale():
    from sim.charts_rolling import build_chart

    result = rolling.simulate(rolling.parse_params({"strategy": "Recreate"})).to_dict()
    chart = build_chart(result, compact=True)
    assert [column["step"]["is_end"] for column in chart["columns"]] == [False, False, False, True]
    assert chart["columns"][-1]["step"]["available"] == 3


def test_limit_labels_never_overlap_even_when_the_band_is_one_pod_wide():
    from sim.charts_rolling import build_chart

    result = rolling.simulate(rolling.parse_params({"replicas": 10_000, "max_surge": 1, "max_unavailable": 0})).to_dict()
    chart = build_chart(result)
    assert chart["min_available_label_y"] - chart["max_total_label_y"] >= 19
    assert chart["max_total_label_y"] >= chart["plot_top"]
    labelled = [column for column in chart["columns"] if column["show_label"]]
    assert labelled[-1]["step"]["index"] == 20_000
    assert len(labelled) <= 12
