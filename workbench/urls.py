from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "workbench"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(
        template_name="workbench/login.html",
        redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language, name="language"),
    path("health/", views.health, name="health"),
    path("figures/", views.figures_view, name="figures"),
    path("offices/<int:municipality_id>/rounds/", views.round_create,
         name="round_create"),
    path("offices/<int:municipality_id>/members/", views.members_view,
         name="members"),
    path("rounds/<int:round_id>/", views.round_view, name="round"),
    path("rounds/<int:round_id>/import/", views.import_view, name="import"),
    path("rounds/<int:round_id>/solve/", views.solve_start, name="solve"),
    path("rounds/<int:round_id>/solves/<int:solve_id>/progress/",
         views.solve_progress, name="progress"),
    path("rounds/<int:round_id>/solves/<int:solve_id>/cancel/",
         views.solve_cancel, name="cancel"),
    path("rounds/<int:round_id>/solves/<int:solve_id>/",
         views.proposal_view, name="proposal"),
    path("rounds/<int:round_id>/solves/<int:solve_id>/export/<str:what>/",
         views.export_view, name="export"),
    path("rounds/<int:round_id>/compare/", views.compare_view,
         name="compare"),
    path("rounds/<int:round_id>/households/<str:household>/",
         views.household_view, name="household"),
    path("rounds/<int:round_id>/dwellings/<str:dwelling>/",
         views.dwelling_view, name="dwelling"),
    path("rounds/<int:round_id>/decide/", views.decide, name="decide"),
    path("rounds/<int:round_id>/declines/<int:event_id>/review/",
         views.decline_review, name="decline_review"),
    path("rounds/<int:round_id>/history/", views.history_view,
         name="history"),
]

