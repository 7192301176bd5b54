import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "In debug mode, create the superuser 'admin' with a random password (printed once) if no superuser exists."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("Not in debug mode: no admin account created.")
            return
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", "admin@example.com", password)
        line = "=" * 64
        self.stdout.write(
            f"{line}\nCreated superuser 'admin' with password: {password}\n"
            f"It is shown only this once. The admin is at /en/admin/ on the server.\n{line}"
        )
