"""
What the workbench stores: municipalities (offices), memberships with roles,
rounds, imports, solves with the proposals as they were made, the decision
log and the history timeline. Decision events and history entries are
append-only: saving one again or deleting one raises.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    """A row that is written once and never changed or removed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError(f"{type(self).__name__} rows are "
                                  "append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are append-only")


class Municipality(models.Model):
    """A housing office: the unit of access."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")


class Membership(models.Model):
    """A user's role in one municipality."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL,
                             on_delete=models.CASCADE,
                             related_name="memberships")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["user", "municipality"], name="one_role_per_office")]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.municipality}"


class Profile(models.Model):
    """Per-user settings: language, and whether the user is an IMDi
    analyst (reads every municipality's figures, no personal details)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL,
                                on_delete=models.CASCADE,
                                related_name="profile")
    language = models.CharField(_("language"), max_length=5,
                                choices=settings.LANGUAGES, default="nb")
    analyst = models.BooleanField(_("IMDi analyst"), default=False)


class Round(models.Model):
    """One settlement round of one municipality."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="rounds")
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                   on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def current_import(self):
        return self.imports.filter(accepted=True).order_by("-id").first()


class Import(AppendOnly):
    """One uploaded instance, accepted or with its located problems."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT,
                              related_name="imports")
    file_name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                    on_delete=models.PROTECT,
                                    related_name="+")
    accepted = models.BooleanField()
    # [{file, row, column, rule, message}, ...] when not accepted.
    problems = models.JSONField(default=list)
    # The validated instance (models.Instance) as JSON when accepted.
    instance_json = models.TextField(blank=True)
    households = models.PositiveIntegerField(default=0)
    dwellings = models.PositiveIntegerField(default=0)


class SolveStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    STOPPED = "stopped", _("Stopped (best found kept)")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


class Solve(models.Model):
    """A solve of a round's current import; its proposal once done."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT,
                              related_name="solves")
    source = models.ForeignKey(Import, on_delete=models.PROTECT,
                               related_name="solves")
    previous = models.ForeignKey("self", null=True, blank=True,
                                 on_delete=models.PROTECT,
                                 related_name="+")
    policy = models.CharField(max_length=100)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                     on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=SolveStatus.choices,
                              default=SolveStatus.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    stage_key = models.CharField(max_length=20, blank=True)
    cancel_requested = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)
    # models.Proposal.model_dump_json() as the engine made it; never edited.
    proposal_json = models.TextField(blank=True)
    check_passed = models.BooleanField(null=True)
    decisions_used = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-id"]

    @property
    def finished(self) -> bool:
        return self.status not in (SolveStatus.QUEUED, SolveStatus.RUNNING)

    @property
    def has_proposal(self) -> bool:
        return bool(self.proposal_json)


class DecisionEvent(AppendOnly):
    """
    One event of the round's decision log, with the fields of
    ``models.decision_log.DecisionEvent`` plus who recorded it and when.
    """

    KINDS = [
        ("offer", _("Offer")), ("accept", _("Accept")),
        ("decline", _("Decline")), ("withdraw", _("Withdraw")),
        ("park", _("Park")), ("lift", _("Lift park")),
        ("lock", _("Lock")), ("ban", _("Ban")),
        ("override", _("Override")), ("note", _("Note")),
    ]
    REASONS = [
        ("too_small", _("Dwelling too small")),
        ("unsuitable", _("Dwelling unsuitable")),
        ("far_from_network", _("Too far from family or network")),
        ("needs_not_met", _("Health or accessibility needs not met")),
        ("other_municipality", _("Wants another municipality")),
        ("own_dwelling", _("Found own dwelling")),
        ("not_ready", _("No longer settlement-ready")),
        ("no_answer", _("No answer")),
        ("landlord_refused", _("Landlord refused")),
        ("other", _("Other (explain in the note)")),
    ]

    round = models.ForeignKey(Round, on_delete=models.PROTECT,
                              related_name="decisions")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=KINDS)
    household = models.CharField(max_length=40, blank=True)
    dwelling = models.CharField(max_length=40, blank=True)
    officer = models.CharField(max_length=40)
    reason = models.CharField(max_length=30, choices=REASONS, blank=True)
    rule = models.CharField(max_length=60, blank=True)
    until = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                    on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    solve = models.ForeignKey(Solve, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]


class DeclineReview(AppendOnly):
    """
    A supervisor's verdict on an officer's decline: confirmed, so that its
    consequences (a ban, a park, a hold) reach the next solve, or
    overridden, so that the offer stands as if the decline had not been
    recorded. Until a review exists the decline is pending and the engine
    does not see it. One review per decline, never changed.
    """

    CONFIRM = "confirm"
    OVERRIDE = "override"
    VERDICTS = [(CONFIRM, _("Confirmed")),
                (OVERRIDE, _("Overridden (the offer stands)"))]

    decline = models.OneToOneField(DecisionEvent, on_delete=models.PROTECT,
                                   related_name="review")
    verdict = models.CharField(max_length=20, choices=VERDICTS)
    note = models.TextField(blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                    on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class HistoryKind(models.TextChoices):
    LOGIN = "login", _("Login")
    IMPORT = "import", _("Import")
    SOLVE = "solve", _("Solve")
    DECISION = "decision", _("Decision")
    OVERRIDE = "override", _("Override")
    EXPORT = "export", _("Export")
    ROUND = "round", _("Round")
    USERS = "users", _("Users")


class HistoryEntry(AppendOnly):
    """One line of the timeline: who did what, when. Never edited; holds
    no sensitive household fields."""

    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                             on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(Municipality, null=True,
                                     on_delete=models.PROTECT,
                                     related_name="history")
    round = models.ForeignKey(Round, null=True, on_delete=models.PROTECT,
                              related_name="history")
    kind = models.CharField(max_length=20, choices=HistoryKind.choices)
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-id"]
