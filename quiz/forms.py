import zoneinfo
from datetime import UTC, datetime, timedelta
from functools import cache

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from quiz.models import MAX_RETENTION, MIN_RETENTION, Preferences, Rating

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def to_epoch_us(moment: datetime) -> int:
    """An aware datetime as integer microseconds since the epoch (exact, unlike float timestamps)."""
    return (moment - EPOCH) // MICROSECOND


@cache
def time_zone_names() -> tuple[str, ...]:
    """Canonical IANA zone names (Region/City) plus UTC, sorted; legacy aliases are left out."""
    legacy = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/", "posix", "right")
    names = {name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith(legacy)}
    return ("UTC", *sorted(names))


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


class ZoneSelect(forms.Select):
    """A <select> rendered in Python: Django's per-option templates took ~45 ms for ~430 time zones."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = str(value) if value is not None else ""
        options = format_html_join(
            "", "<option value=\"{}\"{}>{}</option>",
            ((choice, mark_safe(" selected") if choice == selected else "", label) for choice, label in self.choices),
        )
        return format_html("<select name=\"{}\"{}>{}</select>", name, flatatt(self.build_attrs(self.attrs, attrs)), options)


class TimeZoneField(forms.ChoiceField):
    widget = ZoneSelect

    def __init__(self, *, detect: bool = False, **kwargs):
        self.detect = detect
        super().__init__(choices=time_zone_choices, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.detect:
            # review.js preselects the browser's zone when the field carries this marker.
            attrs["data-detect-time-zone"] = ""
        return attrs


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("Email (optional)"), required=False,
        help_text=_("Only used to reset a forgotten password. Without one, a lost password cannot be recovered."),
    )
    time_zone = TimeZoneField(
        detect=True,
        label=_("Time zone"),
        initial="UTC", help_text=_("Your review day starts at 4 am in this time zone.")
    )

    class Meta(UserCreationForm.Meta):
        fields = ["username", "email"]


class PreferencesForm(forms.ModelForm):
    time_zone = TimeZoneField(label=_("Time zone"))
    day_start_hour = forms.TypedChoiceField(
        label=_("New day starts at"),
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        help_text=_("Local time when today's limits reset and due cards roll over."),
    )
    desired_retention = forms.FloatField(
        label=_("Desired retention"),
        min_value=MIN_RETENTION,
        max_value=MAX_RETENTION,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        help_text=_("Share of cards you want to recall when they come due (0.70-0.97). Higher means more reviews."),
    )
    new_per_day = forms.IntegerField(label=_("New cards per day"), min_value=0, max_value=9999)
    reviews_per_day = forms.IntegerField(label=_("Reviews per day"), min_value=0, max_value=99999)

    class Meta:
        model = Preferences
        fields = [
            "language", "time_zone", "day_start_hour", "desired_retention", "new_per_day", "reviews_per_day",
            "quiz_feeds_review",
        ]
        labels = {"language": _("Interface language"), "quiz_feeds_review": _("Quiz results feed review")}


class RatingForm(forms.Form):
    card = forms.IntegerField(min_value=1)
    version = forms.IntegerField(min_value=0)
    rating = forms.TypedChoiceField(choices=Rating.choices, coerce=int)
    shown_at = forms.IntegerField(required=False, min_value=0)

    def clean_shown_at(self):
        """Microseconds since the epoch, as rendered with the card, to an aware UTC datetime."""
        value = self.cleaned_data["shown_at"]
        if value is None:
            return None
        try:
            return EPOCH + value * MICROSECOND
        except OverflowError:
            raise forms.ValidationError(_("Invalid time.")) from None


class QuestionRatingForm(forms.Form):
    rating = forms.TypedChoiceField(choices=Rating.choices, coerce=int)


class UndoForm(forms.Form):
    log = forms.IntegerField(min_value=1)


class DeckAddForm(forms.Form):
    topic = forms.SlugField(required=False)
    question = forms.SlugField(required=False, max_length=100)
    everything = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        if sum(bool(cleaned.get(name)) for name in ("topic", "question", "everything")) != 1:
            raise forms.ValidationError(_("Choose a topic or everything."))
        return cleaned


class DeckRemoveForm(forms.Form):
    topic = forms.SlugField(required=False)
    question = forms.SlugField(required=False, max_length=100)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("topic")) == bool(cleaned.get("question")):
            raise forms.ValidationError(_("Choose a topic or a question to remove."))
        return cleaned

