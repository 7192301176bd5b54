import zoneinfo
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    interview_date = forms.DateField(
        label=_("Interview date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Reviews are planned so that your cards are fresh on this day. Leave empty to clear."),
    )
    follow_interview_pace = forms.BooleanField(
        label=_("Pace new cards to the interview"),
        required=False,
        help_text=_(
            "With an interview date, new cards per day follow the pace needed to see every card 3 days before it; "
            "untick to use your own number."
        ),
    )
    leech_threshold = forms.IntegerField(
        label=_("Leech threshold"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_("A card that lapses this many times is tagged leech and suspended."),
    )

    class Meta:
        model = Preferences
        fields = [
            "language", "time_zone", "day_start_hour", "desired_retention", "new_per_day", "reviews_per_day",
            "interview_date", "follow_interview_pace", "leech_threshold", "quiz_feeds_review",
        ]
        labels = {"language": _("Interface language"), "quiz_feeds_review": _("Quiz results feed review")}

    def clean_leech_threshold(self):
        value = self.cleaned_data["leech_threshold"]
        return self.instance.leech_threshold if value is None else value

    def clean_interview_date(self):
        value = self.cleaned_data["interview_date"]
        zone = self.cleaned_data.get("time_zone") or self.instance.time_zone
        if value is not None and value < datetime.now(ZoneInfo(zone)).date():
            raise forms.ValidationError(_("The interview date cannot be in the past."))
        return value


class RatingForm(forms.Form):
    card = forms.IntegerField(min_value=1)
    ahead = forms.IntegerField(required=False, min_value=0, max_value=30)
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


class CardActionForm(forms.Form):
    card = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=[("suspend", "suspend"), ("unsuspend", "unsuspend"), ("bury", "bury")])
    next = forms.ChoiceField(required=False, choices=[("review", "review"), ("browse", "browse"), ("card", "card")])
    ahead = forms.IntegerField(required=False, min_value=0, max_value=30)
    # The browser's filtered page to return to (a query string; anything else is ignored).
    query = forms.CharField(required=False, max_length=500)


class BrowseForm(forms.Form):
    """The card browser's filters; every field is optional and a bad value is a 400 naming it."""

    STATE_CHOICES = [("", _("Any state")), ("new", pgettext_lazy("card state", "New")),
                     ("learning", pgettext_lazy("card state", "Learning")), ("review", pgettext_lazy("card state", "Review")),
                     ("relearning", pgettext_lazy("card state", "Relearning"))]
    DUE_CHOICES = [("", _("Any time")), ("overdue", _("Overdue")), ("today", _("Due today")), ("week", _("Due within 7 days"))]
    FLAG_CHOICES = [("", _("All cards")), ("leech", _("Leeches")), ("suspended", _("Suspended")), ("buried", _("Buried"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.SlugField(label=_("Topic"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=STATE_CHOICES)
    due = forms.ChoiceField(label=_("Due"), required=False, choices=DUE_CHOICES)
    flag = forms.ChoiceField(label=_("Show"), required=False, choices=FLAG_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)


class QuestionRatingForm(forms.Form):
    rating = forms.TypedChoiceField(choices=Rating.choices, coerce=int)
    # The card version the page showed; empty when the question was not in the deck yet.
    version = forms.IntegerField(min_value=0, required=False)


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

