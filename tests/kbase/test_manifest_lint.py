"""The answer linter: manifests the current Kubernetes serves, kubectl flags it still has."""

import textwrap

import pytest
from django.core.management import CommandError, call_command

from kbase.forms import QuestionAdminForm
from kbase.manifest_lint import lint_markdown
from kbase.models import Question
from tests.kbase.helpers import make_question, make_topic, write_content


def fenced(lang, body):
    return f"Intro.\n\n```{lang}\n{textwrap.dedent(body).strip()}\n```\n"


def test_a_served_manifest_passes():
    assert lint_markdown(fenced("yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        """)) == []


def test_a_removed_api_version_is_named_with_its_release_and_line():
    text = fenced("yaml", """
        apiVersion: extensions/v1beta1
        kind: Deployment
        """)
    [(line, reason)] = lint_markdown(text)
    assert text.split("\n")[line] == "kind: Deployment"
    assert "removed in Kubernetes 1.16" in reason and "apps/v1" in reason


@pytest.mark.parametrize("api_version, kind, release", [
    ("batch/v1beta1", "CronJob", "1.25"),
    ("policy/v1beta1", "PodSecurityPolicy", "1.25"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26"),
    ("networking.k8s.io/v1beta1", "Ingress", "1.22"),
])
def test_each_removed_pair_names_the_release_that_removed_it(api_version, kind, release):
    [(_line, reason)] = lint_markdown(fenced("yaml", f"apiVersion: {api_version}\nkind: {kind}\n"))
    assert f"removed in Kubernetes {release}" in reason


def test_every_document_of_a_multi_document_block_is_checked():
    text = fenced("yaml", """
        apiVersion: v1
        kind: Service
        ---
        apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        """)
    [(line, reason)] = lint_markdown(text)
    assert text.split("\n")[line] == "kind: PodDisruptionBudget"


def test_an_unknown_kind_or_version_in_a_builtin_group_fails_but_a_crd_group_is_not_judged():
    assert lint_markdown(fenced("yaml", "apiVersion: apps/v1\nkind: Deploymnet\n"))
    assert lint_markdown(fenced("yaml", "apiVersion: apps/v2\nkind: Deployment\n"))
    assert lint_markdown(fenced("yaml", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\n")) == []


def test_a_block_marked_outdated_passes():
    assert lint_markdown(fenced("yaml", """
        # outdated: removed in 1.16
        apiVersion: extensions/v1beta1
        kind: Deployment
        """)) == []
    assert lint_markdown(fenced("bash", "# outdated: removed in 1.18\nkubectl rolling-update web --image=web:2\n")) == []


def test_a_yaml_block_that_does_not_parse_fails():
    [(_line, reason)] = lint_markdown(fenced("yaml", "a: [1, 2\nb: c\n"))
    assert "does not parse" in reason


@pytest.mark.parametrize("command, words", [
    ("kubectl set image deploy/web web=web:2 --record", "--record"),
    ("kubectl drain node-1 --ignore-daemonsets --delete-local-data", "--delete-emptydir-data"),
    ("kubectl get deploy web -o yaml --export", "--export"),
    ("kubectl rolling-update web --image=web:2", "rolling-update"),
    ("kubectl run web --image=nginx --generator=run-pod/v1", "--generator"),
])
def test_removed_kubectl_flags_fail_in_shell_blocks(command, words):
    [(_line, reason)] = lint_markdown(fenced("bash", command))
    assert words in reason


def test_current_kubectl_usage_and_other_languages_pass():
    assert lint_markdown(fenced("bash", "kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data")) == []
    assert lint_markdown(fenced("text", "kubectl rolling-update web")) == []


QUESTION = """\
number: 1
slug: alpha
topic: docker
difficulty: 2
tags: []
question:
  en: What is alpha?
  zh: 什么是 alpha？
answer:
  en: |
    Text.

    ```yaml
    apiVersion: batch/v1beta1
    kind: CronJob
    ```
  zh: |
    文本。
{checked}"""


@pytest.mark.django_db
def test_the_importer_reports_a_removed_manifest_as_file_and_line_and_writes_nothing(tmp_path, capsys):
    root = write_content(tmp_path, {"docker/alpha.yaml": QUESTION.format(checked="")})
    with pytest.raises(CommandError):
        call_command("load_content", "--dir", str(root))
    err = capsys.readouterr().err + capsys.readouterr().out
    assert "questions/docker/alpha.yaml:15: answer.en: CronJob batch/v1beta1 was removed in Kubernetes 1.25" in err
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_the_checked_stamp_imports_and_exports(tmp_path):
    text = QUESTION.replace("batch/v1beta1", "batch/v1").format(
        checked="checked:\n  kubernetes: '1.37'\n  date: 2026-12-05\n")
    root = write_content(tmp_path / "in", {"docker/alpha.yaml": text})
    call_command("load_content", "--dir", str(root))
    question = Question.objects.get(slug="alpha")
    assert question.checked_kubernetes == "1.37" and str(question.checked_date) == "2026-12-05"
    call_command("dump_content", "--dir", str(tmp_path / "out"))
    assert (tmp_path / "out/questions/docker/alpha.yaml").read_text() == text


@pytest.mark.django_db
@pytest.mark.parametrize("checked, reason", [
    ("checked:\n  kubernetes: 1.37\n  date: 2026-12-05\n", "quoted minor version"),
    ("checked:\n  kubernetes: '1.37'\n  date: soon\n", "must be a date"),
    ("checked:\n  kubernetes: '1.37'\n", "exactly 'kubernetes' and 'date'"),
])
def test_a_malformed_checked_stamp_is_reported(tmp_path, capsys, checked, reason):
    root = write_content(tmp_path, {"docker/alpha.yaml": QUESTION.replace("batch/v1beta1", "batch/v1").format(checked=checked)})
    with pytest.raises(CommandError):
        call_command("load_content", "--dir", str(root))
    assert reason in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.parametrize("lang, text", [("en", "Checked against Kubernetes 1.37"), ("zh-hans", "已对照 Kubernetes 1.37 核实")])
def test_the_question_page_shows_the_checked_badge_in_the_page_language(client, lang, text):
    import datetime

    make_question("alpha", checked_kubernetes="1.37", checked_date=datetime.date(2026, 12, 5))
    make_question("beta")
    page = client.get(f"/{lang}/questions/alpha/").content.decode()
    assert text in page and "2026-12-05" in page
    assert text not in client.get(f"/{lang}/questions/beta/").content.decode()


@pytest.mark.django_db
def test_the_admin_form_rejects_a_removed_manifest_and_a_bad_version():
    topic = make_topic()
    data = {
        "slug": "alpha", "number": 1, "topic": topic.pk, "difficulty": 1, "tags": "[]",
        "question_en": "Q", "question_zh": "问", "answer_zh": "答",
        "answer_en": "```yaml\napiVersion: extensions/v1beta1\nkind: Ingress\n```\n",
        "sims": "[]", "see_also": "[]", "references": "[]", "is_published": True, "checked_kubernetes": "v1.37",
    }
    form = QuestionAdminForm(data=data)
    assert not form.is_valid()
    assert "removed in Kubernetes 1.22" in str(form.errors["answer_en"])
    assert "1.37" in str(form.errors["checked_kubernetes"])
