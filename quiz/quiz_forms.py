"""Forms for timed quizzes: building one, answering, flagging, and the generate API's query."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kbase.models import Topic
from quiz import generators
from quiz.models import MAX_MINUTES, MAX_QUESTIONS, MIN_MINUTES, MIN_QUESTIONS, GeneratedMode, Mix
from quiz.quizzes import QuizSpec

DIFFICULTY_CHOICES = [(1, _("Basic")), (2, _("Intermediate")), (3, _("Advanced"))]


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class QuizBuildForm(forms.Form):
    """Build a quiz: start it now, or save it as a named set to share."""

    topics = TopicChoiceField(
        label=_("Topics"), queryset=Topic.objects.order_by("position", "slug"), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked means every topic."),
    )
    count = forms.IntegerField(label=_("Questions"), min_value=MIN_QUESTIONS, max_value=MAX_QUESTIONS, initial=10)
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=MIN_MINUTES, max_value=MAX_MINUTES, initial=10
    )
    difficulty_min = forms.TypedChoiceField(label=_("Easiest"), choices=DIFFICULTY_CHOICES, coerce=int, initial=1)
    difficulty_max = forms.TypedChoiceField(label=_("Hardest"), choices=DIFFICULTY_CHOICES, coerce=int, initial=3)
    mix = forms.ChoiceField(label=_("Mix"), choices=Mix.choices, initial=Mix.BOTH)
    name = forms.CharField(
        label=_("Name (to save and share)"), max_length=120, required=False,
        help_text=_("Only needed to save the quiz as a set with a share link."),
    )
    generated_mode = forms.ChoiceField(
        label=_("Simulator numbers in a shared set"), choices=GeneratedMode.choices, initial=GeneratedMode.FIXED
    )
    action = forms.ChoiceField(choices=[("start", "start"), ("save", "save")], initial="start")

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("difficulty_min"), cleaned.get("difficulty_max")
        if low is not None and high is not None and low > high:
            self.add_error("difficulty_max", _("The hardest level cannot be easier than the easiest."))
        if cleaned.get("action") == "save" and not (cleaned.get("name") or "").strip():
            self.add_error("name", _("Give the set a name to save it."))
        return cleaned

    def spec(self) -> QuizSpec:
        data = self.cleaned_data
        return QuizSpec(topics=tuple(data["topics"]), count=data["count"], difficulty_min=data["difficulty_min"],
                        difficulty_max=data["difficulty_max"], mix=data["mix"])


class AnswerForm(forms.Form):
    position = forms.IntegerField(min_value=1, max_value=MAX_QUESTIONS)
    value = forms.CharField(max_length=200, strip=True, error_messages={"required": _("Give an answer first.")})


class FlagForm(forms.Form):
    position = forms.IntegerField(min_value=1, max_value=MAX_QUESTIONS)
    flagged = forms.BooleanField(required=False)


class GenerateQueryForm(forms.Form):
    """`GET /api/quiz/generate`: a registered generator and a seed."""

    generator = forms.CharField(max_length=60)
    seed = forms.IntegerField(min_value=0, max_value=generators.MAX_SEED)

    def clean_generator(self):
        name = self.cleaned_data["generator"]
        if name not in generators.REGISTRY:
            raise forms.ValidationError(
                "unknown generator %(name)s; expected one of %(names)s",
                params={"name": repr(name), "names": ", ".join(sorted(generators.REGISTRY))},
            )
        return name
