from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kbase import search_index
from kbase.content import ContentError, read_content
from kbase.services import content_import


class Command(BaseCommand):
    help = "Validate every content file, then import them all in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.CONTENT_DIR), help="content directory")
        parser.add_argument("--check", action="store_true", help="validate only; write nothing")
        parser.add_argument("--force", action="store_true", help="overwrite questions edited in the admin")

    def handle(self, *args, dir, check, force, **options):
        try:
            topics, questions = read_content(dir)
        except ContentError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(exc.problems)} problem(s) in {dir}; nothing was written.") from None
        if check:
            self.stdout.write(f"OK: {len(topics)} topics, {len(questions)} questions are valid.")
            return
        report = content_import(topics=topics, questions=questions, force=force)
        if report.created or report.updated or report.unpublished:
            search_index.optimize()
        if report.kept_edits:
            self.stderr.write(f"{len(report.kept_edits)} conflict(s): edited in the admin since the last import, "
                              "and the file says otherwise; these rows were left alone.")
        for slug in report.kept_edits:
            self.stderr.write(f"kept admin edits of {slug!r}: run dump_content to write them to the files, or --force")
        for slug in report.overwritten:
            self.stderr.write(f"overwrote admin edits of {slug!r}: the admin version is kept as a revision")
        self.stdout.write(
            f"Imported {len(questions)} questions: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.unpublished} unpublished; {report.topics_changed} topics changed."
        )
