"""The shared SVG helpers in sim/charts/ (each kind's geometry is tested beside its page)."""

import re
from pathlib import Path

import pytest

from sim.charts import COLOURS, LinearScale, legend, stack_lanes, stacked, tick_step, time_ticks

SIM = Path(__file__).resolve().parents[2] / "sim"


def test_a_scale_maps_and_clamps_onto_its_range():
    scale = LinearScale(100, 300, 50, min_width=1.5)
    assert scale.x(0) == 100 and scale.x(25) == 200 and scale.x(50) == 300
    assert scale.x(-5) == 100 and scale.x(80) == 300
    assert scale.span(10, 10) == (140, 1.5)
    assert scale.span(10, 20) == (140, 40)


def test_a_reversed_scale_is_an_upward_y_axis():
    y = LinearScale(200, 20, 9)
    assert y(0) == 200 and y(9) == 20 and y(3) == 140


def test_an_empty_domain_does_not_divide_by_zero():
    assert LinearScale(0, 10, 0).x(0) == 0


@pytest.mark.parametrize(("end", "max_ticks", "step"), [(10, 10, 1), (11, 10, 2), (600, 10, 60), (36_000, 6, 7200)])
def test_the_tick_step_is_the_smallest_that_fits(end, max_ticks, step):
    assert tick_step(end, max_ticks) == step


def test_ticks_run_from_zero_to_the_end():
    scale = LinearScale(0, 100, 10)
    assert time_ticks(scale, 10, 5, lambda t: f"{t}s") == [
        {"x": 0, "label": "0s"}, {"x": 50, "label": "5s"}, {"x": 100, "label": "10s"}]


def test_stacked_bars_pile_up_without_accumulating_rounding():
    y = LinearScale(100, 0, 3)
    segments = stacked(y, [1, 1, 1])
    assert [top for _, top, _ in segments] == [66.67, 33.33, 0]
    assert sum(height for _, _, height in segments) == pytest.approx(100)


def test_lanes_stack_from_the_top_and_centre_their_bars():
    lanes = [{"title": "a"}, {"title": "b"}]
    assert stack_lanes(lanes, top=10, lane_height=20, bar_height=12) == 50
    assert [(lane["y"], lane["bar_y"], lane["text_y"]) for lane in lanes] == [(10, 14, 24), (30, 34, 44)]


def test_legends_only_draw_from_the_colour_table():
    swatches = legend(("leader", "green"), ("band", "blue", "band", "red", "brown"))
    assert swatches[0].fill == COLOURS["green"] and swatches[0].shape == "box"
    assert (swatches[1].top, swatches[1].bottom) == (COLOURS["red"], COLOURS["brown"])
    with pytest.raises(KeyError):
        legend(("mystery", "chartreuse"))


def test_no_chart_module_or_simulator_template_keeps_its_own_colour_codes():
    templates = SIM.parent / "templates" / "sim"
    for path in [*SIM.glob("charts_*.py"), *templates.glob("*.html")]:
        assert not re.search(r"#[0-9a-fA-F]{6}", path.read_text()), path.name


def test_templates_take_colours_from_the_table():
    from django.template import Context, Template, TemplateSyntaxError

    assert Template('{% load sim_tags %}{% sim_colour "grid" %}').render(Context()) == COLOURS["grid"]
    with pytest.raises((KeyError, TemplateSyntaxError)):
        Template('{% load sim_tags %}{% sim_colour "chartreuse" %}').render(Context())
