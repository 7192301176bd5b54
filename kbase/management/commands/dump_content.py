from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from kbase.content import dump_yaml, question_to_data, topics_to_data
from kbase.models import Question, Topic


class Command(BaseCommand):
    help = (
        "Write questions edited since the last import or dump (and any without a file) back to the YAML "
        "files, one file each; --all rewrites every published question."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.CONTENT_DIR), help="content directory")
        parser.add_argument("--all", action="store_true", help="write every published question, edited or not")

    def handle(self, *args, dir, all, **options):
        root = Path(dir)
        (root / "questions").mkdir(parents=True, exist_ok=True)
        topics_path = root / "topics.yaml"
        if all or not topics_path.exists() or Topic.objects.filter(has_unexported_edits=True).exists():
            topics_path.write_text(dump_yaml(topics_to_data(Topic.objects.all())), encoding="utf-8")
        written = []
        for question in Question.objects.published().prefetch_related("choices"):
            path = root / "questions" / question.topic.slug / f"{question.slug}.yaml"
            # A file that is not from an admin edit may hold work not yet imported: leave it alone.
            if not (all or question.has_unexported_edits or not path.exists()):
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            for moved in (root / "questions").glob(f"*/{question.slug}.yaml"):
                if moved != path:  # the question changed topic: its old file would duplicate the slug
                    moved.unlink()
            text = dump_yaml(question_to_data(question))
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                written.append(path.relative_to(root))
        Question.objects.filter(has_unexported_edits=True, is_published=True).update(has_unexported_edits=False)
        Topic.objects.filter(has_unexported_edits=True).update(has_unexported_edits=False)
        for path in written:
            self.stdout.write(f"wrote {path}")
        self.stdout.write(f"Wrote {len(written)} changed question file(s) to {root}.")
