"""The contract every registered simulator meets; a new kind gets these tests by registering.

Per-kind behaviour stays in tests/sim/test_<kind>_page.py, test_<kind>_api.py and
tests/sim/engine/test_<kind>.py.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.utils import translation
from django.utils.html import escape
from django.utils.http import urlencode

from sim import registry
from sim.engine import Engine, ParamError
from tests.sim.helpers import LANGS, h1_count

ROOT = Path(__file__).resolve().parents[2]
SIMULATORS = pytest.mark.parametrize("simulator", registry.SIMULATORS, ids=registry.kinds())


def page(client, simulator, lang="en", query=None, **headers):
    return client.get(f"/{lang}/sim/{simulator.kind}/", query or {}, **headers)


def assert_no_inline_style_or_script(html):
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


# --- the engine ---------------------------------------------------------------------------------


@SIMULATORS
def test_the_engine_offers_the_protocol_and_the_form_uses_it(simulator):
    assert isinstance(simulator.engine, Engine)
    assert simulator.engine.KIND == simulator.kind
    assert simulator.form_class.engine is simulator.engine


@SIMULATORS
def test_the_engine_imports_and_runs_without_django(simulator):
    code = (
        "import importlib, sys; "
        f"engine = importlib.import_module({simulator.engine.__name__!r}); "
        "engine.simulate(engine.parse_params({})).to_dict(); "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django'))"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr


@SIMULATORS
def test_the_defaults_run_and_the_result_is_json(simulator):
    params = simulator.engine.parse_params({})
    result = simulator.engine.simulate(params).to_dict()
    assert json.loads(json.dumps(result)) == result


@SIMULATORS
def test_canonical_parameters_round_trip(simulator):
    for raw in [{}, *(raw for _, _, raw in simulator.presets)]:
        params = simulator.engine.parse_params(raw)
        query = params.to_query()
        assert all(isinstance(key, str) and isinstance(value, str) for key, value in query.items())
        assert simulator.engine.parse_params(query) == params
        assert simulator.engine.parse_params(query).to_query() == query


@SIMULATORS
def test_the_bad_query_names_every_bad_field(simulator):
    assert simulator.bad_query
    with pytest.raises(ParamError) as caught:
        simulator.engine.parse_params(simulator.bad_query)
    assert set(simulator.bad_query) <= set(caught.value.errors)


@SIMULATORS
def test_every_preset_validates_and_runs(simulator):
    slugs = [slug for slug, _, _ in simulator.presets]
    assert slugs and len(slugs) == len(set(slugs))
    for _, label, raw in simulator.presets:
        assert str(label)
        simulator.engine.simulate(simulator.engine.parse_params(raw)).to_dict()


# --- the JSON API --------------------------------------------------------------------------------


@SIMULATORS
def test_the_api_answers_the_default_run(client, simulator):
    response = client.get(f"/api/sim/{simulator.kind}")
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == simulator.kind
    assert body["params"] == simulator.engine.parse_params({}).to_query()


@SIMULATORS
def test_the_api_answers_400_naming_each_bad_field(client, simulator):
    response = client.get(f"/api/sim/{simulator.kind}", simulator.bad_query)
    assert response.status_code == 400
    assert set(simulator.bad_query) <= set(response.json()["errors"])


def test_an_unknown_kind_is_a_404_and_a_content_error(client):
    assert client.get("/api/sim/no-such-simulator").status_code == 404
    with pytest.raises(ParamError) as caught:
        registry.parse_params("no-such-simulator", {})
    assert set(caught.value.errors) == {"kind"}
    assert registry.lookup(["not", "a", "kind"]) is None


# --- the page ---------------------------------------------------------------------------------------


@SIMULATORS
@pytest.mark.parametrize("lang", LANGS)
def test_the_page_shows_the_default_run_with_one_h1_and_no_inline_code(client, simulator, lang):
    response = page(client, simulator, lang)
    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(html) == 1
    assert f'lang="{lang}"' in html
    assert f'hx-get="/{lang}/sim/{simulator.kind}/"' in html and 'method="get"' in html
    assert "HX-Request" in response["Vary"]
    assert_no_inline_style_or_script(html)


@SIMULATORS
@pytest.mark.parametrize("lang", LANGS)
def test_the_htmx_request_gets_a_fragment(client, simulator, lang):
    query = simulator.engine.parse_params(simulator.presets[0][2]).to_query()
    response = page(client, simulator, lang, query, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and h1_count(html) == 0
    assert_no_inline_style_or_script(html)


@SIMULATORS
@pytest.mark.parametrize("lang", LANGS)
def test_bad_input_answers_400_naming_each_field_on_the_page_and_in_the_fragment(client, simulator, lang):
    from django.utils import translation
    from django.utils.html import escape

    with translation.override(lang):
        labels = [escape(simulator.form_class().error_label(field)) for field in simulator.bad_query]
    response = page(client, simulator, lang, simulator.bad_query)
    html = response.content.decode()
    assert response.status_code == 400
    assert h1_count(html) == 1
    for label in labels:  # errors name the form's labels, not API parameter names
        assert f"<strong>{label}</strong>" in html
    fragment = page(client, simulator, lang, simulator.bad_query, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 400
    assert "<html" not in fragment.content.decode()
    for label in labels:
        assert f"<strong>{label}</strong>" in fragment.content.decode()


@SIMULATORS
def test_the_page_links_every_preset_and_marks_the_one_shown(client, simulator):
    for slug, _, raw in simulator.presets:
        canonical = simulator.engine.parse_params(raw).to_query()
        html = page(client, simulator, query=canonical).content.decode()
        presets = html.split(f'class="{simulator.prefix}-presets"')[1].split("</nav>")[0]
        assert f'href="?{escape(urlencode(canonical))}" data-preset="{slug}" aria-current="true"' in presets
        assert presets.count('aria-current="true"') == 1


@SIMULATORS
def test_the_title_and_summary_are_translated(simulator):
    for text in (simulator.title, simulator.summary):
        with translation.override("zh-hans"):
            assert str(text) != ""
            chinese = str(text)
        with translation.override("en"):
            english = str(text)
        assert chinese != english or not re.search(r"[a-z]{3}", english.replace(simulator.kind, ""))


def test_the_index_lists_every_simulator_and_its_api(client):
    for lang in LANGS:
        html = client.get(f"/{lang}/sim/").content.decode()
        assert h1_count(html) == 1
        for simulator in registry.SIMULATORS:
            assert f'href="/{lang}/sim/{simulator.kind}/"' in html
            assert f"<code>/api/sim/{simulator.kind}</code>" in html
            with translation.override(lang):
                assert escape(str(simulator.title)) in html


# --- the embed --------------------------------------------------------------------------------------


@SIMULATORS
@pytest.mark.parametrize("lang", LANGS)
def test_an_embed_renders_with_its_caption_and_a_link_to_the_full_run(simulator, lang):
    raw = simulator.presets[0][2]
    preset = {"kind": simulator.kind, "params": raw, "caption": {"en": "An `example` run", "zh": "一个示例"}}
    with translation.override(lang):
        html = Template("{% load sim_tags %}{% sim_embed preset lang %}").render(Context({"preset": preset, "lang": lang}))
    assert "sim-embed" in html
    assert ("一个示例" if lang == "zh-hans" else "An <code>example</code> run") in html
    query = urlencode(simulator.engine.parse_params(raw).to_query())
    assert f'href="/{lang}/sim/{simulator.kind}/?{escape(query)}"' in html
    assert_no_inline_style_or_script(html)


def test_an_unknown_kind_embeds_an_error_instead_of_crashing():
    with translation.override("en"):
        html = Template("{% load sim_tags %}{% sim_embed preset %}").render(
            Context({"preset": {"kind": "no-such-simulator", "params": {}, "caption": {"en": "x"}}}))
    assert "could not be run" in html


# --- the stylesheets ----------------------------------------------------------------------------------


def test_every_registered_stylesheet_exists():
    assert registry.stylesheets()
    for sheet in registry.stylesheets():
        assert finders.find(sheet), sheet


@SIMULATORS
def test_the_page_links_the_shared_stylesheet_and_its_own(client, simulator):
    html = page(client, simulator).content.decode()
    for sheet in filter(None, [registry.SHARED_STYLESHEET, simulator.stylesheet]):
        assert f'href="/static/{sheet}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("page_of", ["question", "review"])
def test_pages_that_embed_runs_link_every_simulator_stylesheet(client, page_of):
    from tests.quiz.helpers import make_card, make_question, make_user

    simulator = registry.SIMULATORS[0]
    question = make_question("with-a-run", sims=[{"kind": simulator.kind, "params": simulator.presets[0][2],
                                                  "caption": {"en": "A run", "zh": "一次运行"}}])
    if page_of == "question":
        url = f"/en/questions/{question.slug}/"
    else:
        user = make_user()
        card = make_card(user, question)
        client.force_login(user)
        url = f"/en/review/?card={card.pk}"
    html = client.get(url).content.decode()
    assert "sim-embed" in html
    for sheet in registry.stylesheets():
        assert f'href="/static/{sheet}"' in html


# --- the skeleton --------------------------------------------------------------------------------------


@SIMULATORS
def test_every_form_follows_the_one_htmx_convention(client, simulator):
    html = page(client, simulator).content.decode()
    form = html.split('<form class="sim-form')[1].split(">")[0]
    assert 'method="get"' in form and 'hx-trigger="submit, input delay:400ms"' in form
    assert 'hx-sync="this:replace"' in form
    target = f"#{simulator.prefix}-sim" if simulator.swaps_form else f"#{simulator.prefix}-result"
    assert f'hx-target="{target}"' in html
    assert f'<span id="{simulator.prefix}-indicator" class="htmx-indicator"' in html


@SIMULATORS
def test_the_page_shows_a_legend_drawn_from_the_colour_table(client, simulator):
    from sim.charts import COLOURS

    html = page(client, simulator).content.decode()
    legend = html.split('<ul class="sim-legend">')[1].split("</ul>")[0]
    fills = re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', legend)
    assert fills and set(fills) <= set(COLOURS.values())
