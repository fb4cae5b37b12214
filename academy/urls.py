from django.contrib import admin
from django.urls import include, path

from academy import views as site_views
from accounts import urls as account_urls
from accounts.limits import AdminLoginForm
from lessons import urls as lesson_urls
from lessons import views as lesson_views

# The admin's log-in, held to the same failed log-in limits as the site's.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", lesson_views.home, name="home"),
    path("learn/", include("lessons.urls")),
    path("strategies/", include(lesson_urls.strategies)),
    path("glossary/", include("glossary.urls")),
    path("quiz/", include("quiz.urls")),
    path("simulator/", include("simulator.urls")),
    path("tools/", include("simulator.tools.urls")),
    path("search/", include("search.urls")),
    path("progress/", include(account_urls.progress)),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", site_views.healthz, name="healthz"),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
]
