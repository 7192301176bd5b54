"""The round trip: dump writes only what was edited; load reports conflicts and --force keeps a revision."""

import pytest
from django.core.management import call_command
from reversion.models import Version

from kbase.models import Question, Topic
from tests.kbase.helpers import admin_form_data, make_user, question_yaml, write_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(tmp_path):
    root = write_content(tmp_path, {
        "docker/alpha.yaml": question_yaml("alpha", number=1),
        "docker/beta.yaml": question_yaml("beta", number=2),
        "probes/gamma.yaml": question_yaml("gamma", number=3, topic="probes"),
    })
    call_command("load_content", "--dir", str(root))
    return root


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(make_user(django_user_model, "ed", staff=True, editor=True))
    return client


def files(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def admin_edit(client, slug, **fields):
    question = Question.objects.get(slug=slug)
    response = client.post(f"/en/admin/kbase/question/{question.pk}/change/", admin_form_data(question, **fields))
    assert response.status_code == 302


def test_dump_after_an_admin_edit_changes_only_that_file_and_load_reads_it_back(content, editor_client, capsys):
    before = files(content)
    admin_edit(editor_client, "beta", answer_zh="管理后台里改的答案。\n")
    capsys.readouterr()
    call_command("dump_content", "--dir", str(content))
    assert "wrote questions/docker/beta.yaml" in capsys.readouterr().out
    after = files(content)
    assert [name for name in after if after[name] != before[name]] == ["questions/docker/beta.yaml"]
    assert "管理后台里改的答案。" in after["questions/docker/beta.yaml"].decode()
    assert not Question.objects.filter(has_unexported_edits=True).exists()
    capsys.readouterr()
    call_command("load_content", "--dir", str(content))
    assert "0 created, 0 updated, 3 unchanged" in capsys.readouterr().out
    call_command("dump_content", "--dir", str(content))
    assert files(content) == after


def test_dump_leaves_files_of_unedited_questions_alone_even_when_they_differ(content):
    path = content / "questions/docker/alpha.yaml"
    path.write_text(question_yaml("alpha", number=1, answer_en="Written by hand, not imported yet."))
    edited_by_hand = path.read_bytes()
    call_command("dump_content", "--dir", str(content))
    assert path.read_bytes() == edited_by_hand
    call_command("dump_content", "--dir", str(content), "--all")
    assert path.read_bytes() != edited_by_hand


def test_a_topic_edited_in_the_admin_is_written_back_to_topics_yaml(content, editor_client):
    topic = Topic.objects.get(slug="docker")
    editor_client.post(f"/en/admin/kbase/topic/{topic.pk}/change/",
                       {"slug": "docker", "name_en": "Docker, containers", "name_zh": "Docker 与容器", "position": 0})
    call_command("dump_content", "--dir", str(content))
    assert "en: Docker, containers" in (content / "topics.yaml").read_text()


def test_load_lists_every_conflict_and_leaves_those_rows_alone(content, editor_client, capsys):
    admin_edit(editor_client, "alpha", answer_en="Admin alpha.")
    admin_edit(editor_client, "gamma", answer_en="Admin gamma.")
    admin_edit(editor_client, "beta", answer_en="An answer.\n")  # the same as its file: no conflict
    write_content(content, {"docker/alpha.yaml": question_yaml("alpha", number=1, answer_en="File alpha.")})
    capsys.readouterr()
    call_command("load_content", "--dir", str(content))
    err = capsys.readouterr().err
    assert "2 conflict(s)" in err
    assert "kept admin edits of 'alpha'" in err and "kept admin edits of 'gamma'" in err and "beta" not in err
    assert Question.objects.get(slug="alpha").answer_en == "Admin alpha.\n"
    assert Question.objects.get(slug="gamma").answer_en == "Admin gamma.\n"
    assert not Question.objects.get(slug="beta").has_unexported_edits


def test_force_overwrites_conflicts_and_keeps_the_admin_version_as_a_revision(content, capsys):
    # An edit that bypassed the admin's revision: --force must still keep it.
    Question.objects.filter(slug="alpha").update(answer_en="Edited outside any revision.", has_unexported_edits=True)
    capsys.readouterr()
    call_command("load_content", "--dir", str(content), "--force")
    assert "overwrote admin edits of 'alpha'" in capsys.readouterr().err
    alpha = Question.objects.get(slug="alpha")
    assert alpha.answer_en == "An answer.\n" and not alpha.has_unexported_edits
    history = list(Version.objects.get_for_object(alpha))
    assert [v.revision.comment for v in history[:2]] == [
        "Imported by load_content", "Admin version kept before load_content --force overwrote it"]
    assert history[1].field_dict["answer_en"] == "Edited outside any revision."


def test_the_admin_version_overwritten_by_force_can_be_restored(content, editor_client):
    admin_edit(editor_client, "alpha", answer_en="Admin alpha.")
    write_content(content, {"docker/alpha.yaml": question_yaml("alpha", number=1, answer_en="File alpha.")})
    call_command("load_content", "--dir", str(content), "--force")
    alpha = Question.objects.get(slug="alpha")
    kept = Version.objects.get_for_object(alpha).filter(revision__comment__startswith="Admin version").get()
    editor_client.post(f"/en/admin/kbase/question/{alpha.pk}/revisions/{kept.pk}/")
    alpha.refresh_from_db()
    assert alpha.answer_en == "Admin alpha.\n"
