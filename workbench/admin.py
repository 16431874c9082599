from django.contrib import admin

from . import models


@admin.register(models.Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "role"]
    list_filter = ["role", "municipality"]


@admin.register(models.Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "analyst"]


@admin.register(models.Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "created_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """The timeline and the decision log are read, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.HistoryEntry)
class HistoryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "municipality", "kind", "summary"]
    list_filter = ["kind", "municipality"]


@admin.register(models.DecisionEvent)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["recorded_at", "round", "kind", "household", "dwelling",
                    "reason", "officer"]
