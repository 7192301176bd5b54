from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from quiz.forms import SignupForm
from quiz.language import remember_language
from quiz.services import account_create, preferences_ensure


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    """Create an account, log it in and send the learner to their deck to add topics."""
    if request.user.is_authenticated:
        return redirect("quiz:dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        language = translation.get_language()
        user = account_create(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            language=language,
            time_zone=form.cleaned_data["time_zone"],
            email=form.cleaned_data["email"],
        )
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(request, gettext(
            "Welcome to KubePrep, %(name)s! Next: add a topic (or everything) to your deck below, then open Review. "
            "New cards arrive every day; the dashboard shows your progress."
        ) % {"name": user.get_username()})
        return remember_language(redirect("quiz:deck"), language)
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


class LoginView(auth_views.LoginView):
    """Django's login, then on to the page asked for in the learner's own interface language."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        self.language = preferences_ensure(user=form.get_user()).language
        return remember_language(super().form_valid(form), self.language)

    def get_success_url(self):
        url = super().get_success_url()
        language = getattr(self, "language", None)
        return translate_url(url, language) if language else url


class LogoutView(auth_views.LogoutView):
    """Django's logout, then a notice on the page it lands on."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, gettext("You have been logged out."))
        return response
