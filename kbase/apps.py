from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbaseConfig(AppConfig):
    name = "kbase"
    verbose_name = _("Knowledge base")

    def ready(self):
        from config import csrf

        csrf.install()  # CSRF secrets and masks from one read of os.urandom (config/csrf.py)
