from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from kbase import views as kbase_views
from quiz import api as quiz_api
from sim.views import api as sim_api

urlpatterns = [
    path("healthz", kbase_views.healthz, name="healthz"),
    path("favicon.ico", kbase_views.favicon, name="favicon"),
    path("api/sim/<slug:kind>", sim_api.simulate, name="sim-api"),
    path("api/quiz/generators", quiz_api.generator_list, name="quiz-api-generators"),
    path("api/quiz/generate", quiz_api.generate, name="quiz-api-generate"),
    path("", kbase_views.root_redirect, name="root"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("quiz.account_urls")),
    path("sim/", include("sim.urls")),
    path("", include("kbase.urls")),  # before quiz: no path is in both, and the knowledge base is most of the traffic
    path("", include("quiz.urls")),
    prefix_default_language=True,
)

handler500 = "kbase.views.server_error"
