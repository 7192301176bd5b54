"""Static files in production: whitenoise's compressed manifest storage, with each file's URL looked up once.

`{% static %}` asks the storage for a URL on every render: ManifestStaticFilesStorage splits and unquotes the
name, looks up its hashed name in the manifest and joins it to STATIC_URL (~12 µs; the htmx script tag in
every page's frame does it per request). The manifest is read once when the process starts and never changes
under it, so the URL of a name never changes either: keep it. collectstatic, which does change the manifest,
runs in its own process (and post_process drops what was kept anyway).
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = super().url(name)  # a name missing from the manifest raises here, every time
            if len(self._urls) < 2000:  # names come from templates; the bound is only a guard
                self._urls[name] = url
        return url

    def post_process(self, *args, **kwargs):
        self._urls = {}
        yield from super().post_process(*args, **kwargs)
        self._urls = {}
