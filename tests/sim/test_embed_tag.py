from sim.templatetags.sim_tags import caption_html


def test_captions_escape_html_and_mark_backticks_as_code():
    assert caption_html("Set `maxSurge` <b>now</b>") == "Set <code>maxSurge</code> &lt;b&gt;now&lt;/b&gt;"
