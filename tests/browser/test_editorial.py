"""An editor fixes a Chinese answer in the admin with the live preview, then restores the earlier revision."""

import pytest
import reversion
from playwright.sync_api import expect

from tests.kbase.helpers import make_question, make_topic, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def question():
    with reversion.create_revision():
        reversion.set_comment("Imported by load_content")
        return make_question(
            "liveness-probe", topic=make_topic("probes", name_en="Health probes", name_zh="健康探针"),
            question_en="What does a liveness probe do?", question_zh="存活探针有什么作用？",
            answer_en="It restarts a stuck container.\n", answer_zh="重启卡死的容器。\n",
            sims=[{"kind": "pod-lifecycle", "params": {}, "caption": {"en": "A pod starting.", "zh": "一个 Pod 启动。"}}],
        )


def log_in_as_editor(page, django_user_model):
    make_user(django_user_model, "editor", staff=True, editor=True)
    page.goto("/en/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-123456-long")
    page.click("input[type=submit]")
    page.wait_for_url("**/en/admin/")


def test_an_editor_edits_chinese_with_a_live_preview_then_restores_the_old_revision(page, django_user_model, question):
    log_in_as_editor(page, django_user_model)
    page.goto(f"/en/admin/kbase/question/{question.pk}/change/")
    zh_column = page.locator("#editor-preview section[lang=zh-hans]")
    expect(zh_column.locator(".answer")).to_contain_text("重启卡死的容器。")
    expect(zh_column.locator(".sim-embed figcaption")).to_have_text("一个 Pod 启动。")

    page.fill("#id_sims-0-params", '{"restart_policy": "Sometimes"}')
    expect(page.locator("#sims-0-live-errors")).to_contain_text("restart_policy: must be one of")
    page.fill("#id_sims-0-params", "{}")
    expect(page.locator("#sims-0-live-errors li")).to_have_count(0)

    page.fill("#id_revision_comment", "Clearer Chinese answer")
    page.fill("#id_answer_zh", "kubelet 会**重启**反复探测失败的容器。")
    expect(zh_column.locator(".answer strong")).to_have_text("重启")
    page.wait_for_load_state("networkidle")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto("/zh-hans/questions/liveness-probe/")
    expect(page.locator("section.answer")).to_contain_text("kubelet 会重启反复探测失败的容器。")
    expect(page.locator(".sim-embed figcaption")).to_have_text("一个 Pod 启动。")  # untouched presets stay

    page.goto(f"/en/admin/kbase/question/{question.pk}/history/")
    expect(page.locator(".revision-list tbody tr")).to_have_count(2)
    expect(page.locator(".revision-list tbody tr").first).to_contain_text("Clearer Chinese answer")
    page.locator(".revision-list tbody tr").last.locator("a").click()
    page.click("text=Compare with the current version")
    expect(page.locator(".revision-diff h2").first).to_contain_text("Answer · 中文")
    page.click("text=Restore this revision")
    expect(page.locator(".messagelist")).to_contain_text("Restored the revision")

    page.goto("/zh-hans/questions/liveness-probe/")
    expect(page.locator("section.answer")).to_contain_text("重启卡死的容器。")
    assert page.console_errors == []
