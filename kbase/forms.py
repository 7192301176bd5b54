import json

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kbase.content import KUBERNETES_MINOR_RE, SLUG_RE, URL_RE, canonical_preset
from kbase.manifest_lint import lint_markdown
from kbase.models import Question
from sim import registry as sim_registry
from sim.engine import ParamError


class SimPresetForm(forms.Form):
    """One simulator preset; its params pass the engine's own validation, errors shown on the params field."""

    kind = forms.ChoiceField(label=_lazy("simulator"), choices=[("", "---------"), *((k, k) for k in sim_registry.kinds())])
    params = forms.JSONField(label=_lazy("parameters (JSON)"), required=False, initial=dict,
                             widget=forms.Textarea(attrs={"rows": 3, "cols": 40}))
    caption_en = forms.CharField(label=_lazy("caption (English)"), widget=forms.Textarea(attrs={"rows": 3, "cols": 40}))
    caption_zh = forms.CharField(label=_lazy("caption (Chinese)"), widget=forms.Textarea(attrs={"rows": 3, "cols": 40}))

    def clean(self):
        cleaned = super().clean()
        kind, params = cleaned.get("kind"), cleaned.get("params")
        if params is None and "params" not in self.errors:
            params = cleaned["params"] = {}
        if not isinstance(params, dict):
            if "params" not in self.errors:
                self.add_error("params", _("Enter a JSON object of parameter names and values."))
        elif kind:
            try:
                sim_registry.parse_params(kind, params)
            except ParamError as exc:
                self.add_error("params", [f"{name}: {message}" for name, message in exc.errors.items()])
        return cleaned

    def preset(self):
        """The preset as stored on the question, built from whatever parsed (also for previews of bad input)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        params = data.get("params")
        if params is None:  # rejected by the engine: keep what was typed, so the preview shows the engine's message
            try:
                params = json.loads(self.data.get(self.add_prefix("params")) or "{}")
            except ValueError:
                params = {}
        return {
            "kind": data.get("kind") or self.data.get(self.add_prefix("kind"), ""),
            "params": params if isinstance(params, dict) else {},
            "caption": {"en": data.get("caption_en", ""), "zh": data.get("caption_zh", "")},
        }


SimPresetFormSet = forms.formset_factory(SimPresetForm, extra=1, can_delete=True)


def preset_initial(sims):
    initial = []
    for preset in sims or []:
        preset = canonical_preset(preset)
        initial.append({"kind": preset["kind"], "params": preset["params"],
                        "caption_en": preset["caption"]["en"], "caption_zh": preset["caption"]["zh"]})
    return initial


TEXT_FIELDS = [f"{name}_{lang}" for name in ("question", "answer", "prompt", "explanation") for lang in ("en", "zh")]
MARKDOWN_FIELDS = {"answer_en", "answer_zh", "explanation_en", "explanation_zh"}


class QuestionAdminForm(forms.ModelForm):
    """Admin edits obey the same rules as the content importer.

    Simulator presets are edited through ``sim_formset`` (one form per preset) instead of raw JSON.
    """

    revision_comment = forms.CharField(
        label=_lazy("Revision comment"), required=False, max_length=200,
        help_text=_lazy("What you changed and why; kept with this revision."),
    )

    class Meta:
        model = Question
        exclude = ["sims"]  # noqa: DJ006 - presets are edited through their own formset; every other field is edited here
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 2, "cols": 40}) for name in (
                "question_en", "question_zh", "prompt_en", "prompt_zh")},
            **{name: forms.Textarea(attrs={"rows": 20, "cols": 40}) for name in ("answer_en", "answer_zh")},
            **{name: forms.Textarea(attrs={"rows": 5, "cols": 40}) for name in ("explanation_en", "explanation_zh")},
            **{name: forms.Textarea(attrs={"rows": 2, "cols": 60}) for name in ("tags", "see_also", "references")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sim_formset = SimPresetFormSet(
            self.data if self.is_bound else None, initial=preset_initial(self.instance.sims), prefix="sims"
        )

    def preset_forms(self):
        """The preset forms that count: one per stored preset and each filled-in extra form, none marked for deletion."""
        formset = self.sim_formset
        return [form for index, form in enumerate(formset.forms)
                if (index < formset.initial_form_count() or form.has_changed()) and not formset._should_delete_form(form)]

    def presets(self):
        """The presets as stored on the question, in order."""
        return [form.preset() for form in self.preset_forms()]

    def clean(self):
        cleaned = super().clean()
        for name in TEXT_FIELDS:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = self._as_in_files(name, cleaned[name])
        if not self.sim_formset.is_valid():
            raise forms.ValidationError(_("Correct the simulator presets below."))
        self.instance.sims = self.presets()
        return cleaned

    def _as_in_files(self, name, text):
        """Browsers send CRLF and the form strips the final newline; the YAML files keep
        Markdown as block scalars ending in one newline, so an edit changes only what was typed."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        stored = getattr(self.instance, name, "") or ""
        if name in MARKDOWN_FIELDS and text and ("\n" in text or stored.endswith("\n")):
            text = text.rstrip("\n") + "\n"
        return text

    @property
    def changed_data(self):
        changed = super().changed_data
        return [*changed, "sims"] if self.sim_formset.has_changed() else changed

    def _slug_list(self, name, pattern):
        value = self.cleaned_data.get(name) or []
        if not isinstance(value, list) or not all(isinstance(item, str) and pattern.match(item) for item in value):
            raise forms.ValidationError(_("Enter a JSON list of valid entries."))
        return value

    def clean_tags(self):
        return self._slug_list("tags", SLUG_RE)

    def clean_references(self):
        return self._slug_list("references", URL_RE)

    def clean_see_also(self):
        slugs = self._slug_list("see_also", SLUG_RE)
        known = set(Question.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        missing = [slug for slug in slugs if slug not in known or slug == self.instance.slug]
        if missing:
            raise forms.ValidationError(_("Unknown or self-referencing questions: %(slugs)s") % {"slugs": ", ".join(missing)})
        return slugs

    def clean_checked_kubernetes(self):
        value = self.cleaned_data.get("checked_kubernetes") or ""
        if value and not KUBERNETES_MINOR_RE.match(value):
            raise forms.ValidationError(_("Enter a Kubernetes minor release such as 1.37."))
        return value

    def _lint(self, name):
        text = self.cleaned_data.get(name) or ""
        problems = [_("line %(line)s: %(reason)s") % {"line": line + 1, "reason": reason}
                    for line, reason in lint_markdown(text)]
        if problems:
            raise forms.ValidationError(problems)
        return text

    def clean_answer_en(self):
        return self._lint("answer_en")

    def clean_answer_zh(self):
        return self._lint("answer_zh")
