"""content/plan.tsv: the importer takes only planned questions, with the planned number and topic."""

import pytest
from django.core.management import CommandError, call_command

from kbase.models import Question
from tests.kbase.helpers import question_yaml, write_content

pytestmark = pytest.mark.django_db

PLAN = "# number\tslug\ttopic\n1\talpha\tdocker\n2\tbeta\tdocker\n3\tplanned-later\tprobes\n"


def load(root):
    call_command("load_content", "--dir", str(root))


def test_a_question_missing_from_the_plan_is_rejected_and_nothing_is_written(tmp_path, capsys):
    root = write_content(tmp_path, {
        "docker/alpha.yaml": question_yaml("alpha", number=1),
        "docker/gamma.yaml": question_yaml("gamma", number=4),
    })
    (root / "plan.tsv").write_text(PLAN, encoding="utf-8")
    with pytest.raises(CommandError):
        load(root)
    assert "slug 'gamma' is not in plan.tsv" in capsys.readouterr().err
    assert not Question.objects.exists()


def test_a_question_must_keep_its_planned_number_and_topic(tmp_path, capsys):
    root = write_content(tmp_path, {"docker/beta.yaml": question_yaml("beta", number=7)})
    (root / "plan.tsv").write_text(PLAN, encoding="utf-8")
    with pytest.raises(CommandError):
        load(root)
    assert "plan.tsv gives 'beta' number 2 in topic 'docker'" in capsys.readouterr().err


def test_planned_questions_without_a_file_yet_are_fine(tmp_path):
    root = write_content(tmp_path, {"docker/alpha.yaml": question_yaml("alpha", number=1)})
    (root / "plan.tsv").write_text(PLAN, encoding="utf-8")
    load(root)
    assert list(Question.objects.values_list("slug", flat=True)) == ["alpha"]
