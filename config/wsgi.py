import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the URL and template machinery) lives as long as the process.
# Frozen, the collector's full passes skip it: they added about 5 ms to some dashboard requests. Under
# gunicorn --preload this runs in the master before the fork, so the workers also keep those pages shared.
# https://docs.python.org/3/library/gc.html#gc.freeze
gc.freeze()
