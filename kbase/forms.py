from django import forms
from django.utils.translation import gettext as _

from kbase.content import KUBERNETES_MINOR_RE, SLUG_RE, URL_RE
from kbase.manifest_lint import lint_markdown
from kbase.models import Question
from sim import registry as sim_registry
from sim.engine import ParamError


class QuestionAdminForm(forms.ModelForm):
    """Admin edits obey the same rules as the content importer."""

    class Meta:
        model = Question
        fields = "__all__"  # noqa: DJ007 - the admin edits every field; this form only adds validation

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

    def clean_sims(self):
        sims = self.cleaned_data.get("sims") or []
        if not isinstance(sims, list):
            raise forms.ValidationError(_("Enter a JSON list of simulator presets."))
        errors = []
        for index, preset in enumerate(sims, start=1):
            if not isinstance(preset, dict) or not isinstance(preset.get("params", {}), dict):
                errors.append(_("Preset %(n)s must be an object with kind, params and caption.") % {"n": index})
                continue
            caption = preset.get("caption") or {}
            if not (isinstance(caption, dict) and caption.get("en") and caption.get("zh")):
                errors.append(_("Preset %(n)s needs a caption in English and Chinese.") % {"n": index})
            try:
                sim_registry.parse_params(preset.get("kind"), preset.get("params") or {})
            except ParamError as exc:
                errors.extend(f"{index}: {field}: {message}" for field, message in exc.errors.items())
        if errors:
            raise forms.ValidationError(errors)
        return sims
