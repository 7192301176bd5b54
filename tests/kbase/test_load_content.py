import pytest
from django.core.management import CommandError, call_command

from kbase.models import Choice, Question, Topic
from tests.kbase.helpers import question_yaml, write_content

pytestmark = pytest.mark.django_db

CHOICES = """\
choices:
  - en: Right
    zh: 对
    correct: true
  - en: Wrong
    zh: 错
    correct: false
explanation:
  en: Because.
  zh: 因为。
"""


def load(root, *args):
    call_command("load_content", "--dir", str(root), *args)


def snapshot():
    return (
        list(Topic.objects.values_list("slug", "name_en", "position").order_by("slug")),
        list(Question.objects.values_list("slug", "number", "answer_en", "is_published", "updated_at").order_by("slug")),
        list(Choice.objects.values_list("question__slug", "position", "text_en", "is_correct").order_by("pk")),
    )


def test_it_imports_topics_questions_and_choices(tmp_path):
    root = write_content(tmp_path, {
        "docker/alpha.yaml": question_yaml("alpha", number=1, extra=CHOICES),
        "probes/beta.yaml": question_yaml("beta", number=2, topic="probes", extra="see_also: [alpha]\n"),
    })
    load(root)
    alpha = Question.objects.get(slug="alpha")
    assert alpha.topic.slug == "docker"
    assert alpha.question_zh == "什么是 alpha？"
    assert alpha.answer_en_html == "<p>An answer.</p>"
    assert [c.is_correct for c in alpha.choices.all()] == [True, False]
    assert Question.objects.get(slug="beta").see_also == ["alpha"]
    assert list(Topic.objects.values_list("slug", flat=True)) == ["docker", "probes"]


def test_a_malformed_file_names_file_and_line_and_leaves_the_database_unchanged(tmp_path, capsys):
    root = write_content(tmp_path, {"docker/alpha.yaml": question_yaml("alpha", number=1)})
    load(root)
    before = snapshot()
    write_content(tmp_path, {
        "docker/alpha.yaml": question_yaml("alpha", number=1, answer_en="Changed."),
        "docker/broken.yaml": question_yaml("broken", number=2).replace("difficulty: 2", "difficulty: 7"),
        "docker/bad-yaml.yaml": "number: 3\nslug: bad-yaml\nquestion: [unclosed\n",
    })
    with pytest.raises(CommandError, match="nothing was written"):
        load(root)
    err = capsys.readouterr().err
    assert "questions/docker/broken.yaml:4: 'difficulty' must be 1, 2 or 3" in err
    assert "questions/docker/bad-yaml.yaml:3: invalid YAML" in err  # where the bracket opens
    assert snapshot() == before


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda t: t.replace("  zh: 什么是", "  zh: ''\n  # 什么是"), "'question.zh' must be non-empty text"),
        (lambda t: t.replace("topic: docker", "topic: nope"), "unknown topic 'nope'"),
        (lambda t: t.replace("slug: alpha", "slug: Alpha_1"), "must match"),
        (lambda t: t + "see_also: [missing]\n", "'see_also' target 'missing' does not exist"),
        (lambda t: t + "colour: blue\n", "unknown key 'colour'"),
        (lambda t: t + CHOICES.replace("correct: false", "correct: true"), "exactly one correct"),
        (lambda t: t + "references: [ftp://example.com]\n", "not a valid URL"),
        (lambda t: t + "sims:\n  - kind: warp-drive\n    params: {}\n    caption: {en: a, zh: b}\n", "unknown simulator 'warp-drive'"),
    ],
)
def test_validation_reports_each_kind_of_problem(tmp_path, capsys, mutate, expected):
    root = write_content(tmp_path, {"docker/alpha.yaml": mutate(question_yaml("alpha", number=1))})
    with pytest.raises(CommandError):
        load(root, "--check")
    assert expected in capsys.readouterr().err
    assert not Question.objects.exists()


def test_duplicate_slugs_and_numbers_are_reported(tmp_path, capsys):
    root = write_content(tmp_path, {
        "docker/alpha.yaml": question_yaml("alpha", number=1),
        "docker/beta.yaml": question_yaml("beta", number=1),
    })
    with pytest.raises(CommandError):
        load(root)
    assert "duplicate number 1" in capsys.readouterr().err


def test_check_validates_without_writing(tmp_path, capsys):
    root = write_content(tmp_path, {"docker/alpha.yaml": question_yaml("alpha", number=1)})
    load(root, "--check")
    assert "1 questions are valid" in capsys.readouterr().out
    assert not Question.objects.exists()


def test_reimporting_unchanged_files_changes_nothing(tmp_path, capsys):
    root = write_content(tmp_path, {"docker/alpha.yaml": question_yaml("alpha", number=1, extra=CHOICES)})
    load(root)
    before = snapshot()
    capsys.readouterr()
    load(root)
    assert "0 created, 0 updated, 1 unchanged, 0 unpublished" in capsys.readouterr().out
    assert snapshot() == before


def test_a_removed_question_is_unpublished_not_deleted_and_comes_back(tmp_path):
    root = write_content(tmp_path, {
        "docker/alpha.yaml": question_yaml("alpha", number=1),
        "docker/beta.yaml": question_yaml("beta", number=2),
    })
    load(root)
    (root / "questions/docker/beta.yaml").unlink()
    load(root)
    beta = Question.objects.get(slug="beta")
    assert not beta.is_published
    assert list(Question.objects.published().values_list("slug", flat=True)) == ["alpha"]
    write_content(tmp_path, {"docker/beta.yaml": question_yaml("beta", number=2)})
    load(root)
    beta.refresh_from_db()
    assert beta.is_published and beta.number == 2


def test_swapping_numbers_between_questions_imports(tmp_path):
    root = write_content(tmp_path, {
        "docker/alpha.yaml": question_yaml("alpha", number=1),
        "docker/beta.yaml": question_yaml("beta", number=2),
    })
    load(root)
    write_content(tmp_path, {
        "docker/alpha.yaml": question_yaml("alpha", number=2),
        "docker/beta.yaml": question_yaml("beta", number=1),
    })
    load(root)
    assert list(Question.objects.values_list("slug", flat=True)) == ["beta", "alpha"]


def test_markdown_is_sanitised_at_import(tmp_path):
    root = write_content(tmp_path, {"docker/alpha.yaml": question_yaml(
        "alpha", number=1, answer_en="Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>")})
    load(root)
    html = Question.objects.get().answer_en_html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_admin_edits_survive_a_reimport_until_exported(tmp_path, capsys):
    root = write_content(tmp_path, {"docker/alpha.yaml": question_yaml("alpha", number=1)})
    load(root)
    Question.objects.filter(slug="alpha").update(answer_en="Edited in admin.", has_unexported_edits=True)
    load(root)
    assert Question.objects.get().answer_en == "Edited in admin."
    assert "kept admin edits of 'alpha'" in capsys.readouterr().err
    call_command("dump_content", "--dir", str(root))
    assert "Edited in admin." in (root / "questions/docker/alpha.yaml").read_text()
    assert not Question.objects.get().has_unexported_edits


def test_dump_then_load_round_trips_exactly(tmp_path):
    root = write_content(tmp_path / "a", {
        "docker/alpha.yaml": question_yaml("alpha", number=1, extra=CHOICES + "references: [https://kubernetes.io/]\n"),
    })
    load(root)
    out = tmp_path / "b"
    call_command("dump_content", "--dir", str(out))
    first = {p.relative_to(out): p.read_text() for p in out.rglob("*.yaml")}
    load(out)
    call_command("dump_content", "--dir", str(tmp_path / "c"))
    second = {p.relative_to(tmp_path / "c"): p.read_text() for p in (tmp_path / "c").rglob("*.yaml")}
    assert first == second
    assert Question.objects.get().references == ["https://kubernetes.io/"]


def test_exported_presets_list_params_in_the_engine_order_whatever_the_database_kept():
    from kbase.content import canonical_preset

    preset = {"caption": {"zh": "说明", "en": "Caption"}, "params": {"new_pods_fail": True, "replicas": 3},
              "kind": "rolling-update"}
    assert canonical_preset(preset) == {"kind": "rolling-update", "params": {"replicas": 3, "new_pods_fail": True},
                                        "caption": {"en": "Caption", "zh": "说明"}}
    assert list(canonical_preset(preset)["params"]) == ["replicas", "new_pods_fail"]


def test_a_multi_megabyte_answer_is_rejected_with_file_and_line(tmp_path, capsys):
    huge = "A long answer. " * 350_000  # about 5 MB on one line
    root = write_content(tmp_path, {"docker/huge.yaml": question_yaml("huge", number=1, answer_en=huge)})
    with pytest.raises(CommandError, match="nothing was written"):
        load(root)
    assert "questions/docker/huge.yaml:1: file is 5,2" in capsys.readouterr().err
    assert not Question.objects.exists()


def test_an_answer_over_the_text_limit_names_its_line(tmp_path, capsys):
    long = "x" * 70_000  # under the file limit, over the text limit
    root = write_content(tmp_path, {"docker/long.yaml": question_yaml("long", number=1, answer_en=long)})
    with pytest.raises(CommandError, match="nothing was written"):
        load(root)
    assert "questions/docker/long.yaml:10: 'answer.en' is 70,001 characters (at most 65,536)" in capsys.readouterr().err


def test_an_unclosed_quote_names_the_line_where_it_opens(tmp_path, capsys):
    text = question_yaml("quoted", number=1).replace("en: What is quoted?", 'en: "What is quoted?')
    root = write_content(tmp_path, {"docker/quoted.yaml": text})
    with pytest.raises(CommandError, match="nothing was written"):
        load(root)
    opening = next(n for n, line in enumerate(text.splitlines(), 1) if '"What is quoted?' in line)
    assert f"questions/docker/quoted.yaml:{opening}: invalid YAML" in capsys.readouterr().err
