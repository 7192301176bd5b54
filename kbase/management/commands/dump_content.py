from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from kbase.content import dump_yaml, question_to_data, topics_to_data
from kbase.models import Question, Topic


class Command(BaseCommand):
    help = "Write topics and published questions from the database back to the YAML files."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.CONTENT_DIR), help="content directory")

    def handle(self, *args, dir, **options):
        root = Path(dir)
        (root / "questions").mkdir(parents=True, exist_ok=True)
        (root / "topics.yaml").write_text(dump_yaml(topics_to_data(Topic.objects.all())), encoding="utf-8")
        written = 0
        for question in Question.objects.published().prefetch_related("choices"):
            path = root / "questions" / question.topic.slug / f"{question.slug}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            text = dump_yaml(question_to_data(question))
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                written += 1
        Question.objects.filter(has_unexported_edits=True, is_published=True).update(has_unexported_edits=False)
        self.stdout.write(f"Wrote {written} changed question file(s) to {root}.")
