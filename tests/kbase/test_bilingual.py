"""The side-by-side view pairs the English and Chinese answers section by section."""

import pytest

from kbase.bilingual import aligned_sections
from kbase.markdown import render_markdown
from tests.kbase.helpers import make_question

EN = """**Short answer.** A probe restarts a stuck container.

**Mechanism**

- the kubelet runs it
- every `periodSeconds`

**Pitfalls.** A slow app is killed.

**Likely follow-ups**

- *Why?* Because.
"""
ZH = """**简答：** 探针会重启卡死的容器。

**机制**

- 由 kubelet 执行
- 每隔 `periodSeconds`

**容易踩的坑：** 启动慢的应用会被杀掉。

**可能的追问**

- *为什么？* 因为。
"""


def test_answers_with_the_same_lead_ins_pair_row_by_row():
    rows = aligned_sections(render_markdown(EN), render_markdown(ZH))
    assert len(rows) == 4
    assert "Short answer" in rows[0][0] and "简答" in rows[0][1]
    assert "Mechanism" in rows[1][0] and "periodSeconds" in rows[1][0] and "机制" in rows[1][1]
    assert "Pitfalls" in rows[2][0] and "容易踩的坑" in rows[2][1]
    assert "Why?" in rows[3][0] and "为什么" in rows[3][1]


def test_an_extra_section_on_one_side_is_grouped_under_the_known_sections():
    zh = ZH.replace("**机制**", "**原理**\n\n多出来的一段。\n\n**补充**\n\n另一段")
    rows = aligned_sections(render_markdown(EN), render_markdown(zh))
    assert len(rows) == 4
    assert "Pitfalls" in rows[2][0] and "容易踩的坑" in rows[2][1]
    assert "补充" in rows[1][1]


def test_answers_without_common_structure_stay_whole():
    rows = aligned_sections("<p>One.</p>", render_markdown(ZH))
    assert rows == [("<p>One.</p>", render_markdown(ZH))]


@pytest.mark.django_db
def test_the_side_by_side_page_renders_one_row_per_section(client):
    make_question("probe", answer_en=EN, answer_zh=ZH)
    html = client.get("/en/questions/probe/?both=1").content.decode()
    assert html.count('class="answer section-en"') == 4
    assert html.count('class="answer section-zh"') == 4
