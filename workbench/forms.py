from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from allocator.io.policy import policy_presets

from .models import DecisionEvent, Role


def policy_choices():
    return [(name, name) for name in sorted(policy_presets())
            if name != "placement"]


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name of the round"), max_length=100)


class SolveForm(forms.Form):
    policy = forms.ChoiceField(label=_("Policy"), choices=policy_choices)
    fewest_changes = forms.BooleanField(
        label=_("Re-solve with the fewest changes"), required=False)


OFFICER_KINDS = {"offer", "accept", "decline", "withdraw", "park", "lift",
                 "lock", "ban", "note"}
SUPERVISOR_KINDS = OFFICER_KINDS | {"override"}
NEEDS_DWELLING = {"offer", "accept", "decline", "withdraw", "lock", "ban",
                  "override"}
HARD_RULES = [
    ("availability", _("Availability date")),
    ("assigned_municipality", _("Assigned municipality")),
    ("size_too_small", _("Size norm: too small")),
    ("size_too_large", _("Size norm: too large")),
    ("individual_need", _("Individual needs")),
    ("child_safety", _("Child safety")),
    ("care_housing", _("Care housing nearby")),
    ("affordability", _("Affordability")),
    ("self_found", _("Self-found dwelling")),
]


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(choices=DecisionEvent.KINDS)
    household = forms.CharField(max_length=40)
    dwelling = forms.CharField(max_length=40, required=False)
    reason = forms.ChoiceField(label=_("Reason"), required=False,
                               choices=[("", "-")] + DecisionEvent.REASONS)
    rule = forms.ChoiceField(label=_("Rule"), required=False,
                             choices=[("", "-")] + HARD_RULES)
    until = forms.DateField(label=_("Until"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, role, households, dwellings, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        self.households = households
        self.dwellings = dwellings

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        allowed = (SUPERVISOR_KINDS if self.role == Role.SUPERVISOR
                   else OFFICER_KINDS)
        if kind not in allowed:
            raise forms.ValidationError(
                _("Only a supervisor may override a rule."))
        if data.get("household") not in self.households:
            self.add_error("household", _("No such household in the round."))
        if kind in NEEDS_DWELLING and data.get("dwelling") not in \
                self.dwellings:
            self.add_error("dwelling", _("Choose a dwelling of the round."))
        if kind == "decline" and not data.get("reason"):
            self.add_error("reason", _("A decline needs a reason."))
        if data.get("reason") == "other" and not data.get("note"):
            self.add_error("note", _("The reason 'other' needs a note."))
        if kind == "park" and not data.get("until"):
            self.add_error("until", _("Parking needs a date."))
        if kind == "override":
            if not data.get("rule"):
                self.add_error("rule", _("Name the rule overridden."))
            if not data.get("note"):
                self.add_error("note", _("An override needs a reason."))
        if kind == "note" and not data.get("note"):
            self.add_error("note", _("Write the note."))
        return data


class MemberForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), min_length=10,
                               widget=forms.PasswordInput)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
