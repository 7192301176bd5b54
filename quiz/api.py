"""JSON API for simulator-generated quiz questions: `/api/quiz/generators` and `/api/quiz/generate`."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from quiz import generators
from quiz.quiz_forms import GenerateQueryForm
from quiz.quiz_views import simulator_url


@require_GET
def generator_list(request):
    """Every registered generator: name, simulator kind, title in both languages."""
    return JsonResponse({"generators": [generator.to_dict() for generator in generators.select()]})


@require_GET
def generate(request):
    """One generated question for `generator` and `seed`; a 400 names each bad field."""
    form = GenerateQueryForm(request.GET)
    if not form.is_valid():
        errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    item = generators.generate(form.cleaned_data["generator"], form.cleaned_data["seed"])
    data = item.to_dict()
    data["simulator_url"] = simulator_url(item.generator.kind, item.query)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
