from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def page(request):
    return HttpResponse("Coming soon")


def embed_context(params, result):
    return {}
