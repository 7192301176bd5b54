from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimConfig(AppConfig):
    name = "sim"
    verbose_name = _("Simulators")
