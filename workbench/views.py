"""The pages. Every view that takes an id reaches it through ``access``."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import decisions, exports, history, present, solving
from .access import in_office, is_analyst, offices, profile, role_in
from .forms import DecisionForm, MemberForm, RoundForm, SolveForm
from .importing import read_upload
from .models import (DecisionEvent, DeclineReview, HistoryEntry, Import,
                     Membership, Municipality, Role, Round, Solve,
                     SolveStatus)


@login_required
def home(request):
    mine = offices(request.user).prefetch_related("rounds")
    return render(request, "workbench/home.html", {
        "offices": [
            {"office": office, "role": role_in(request.user, office.pk),
             "rounds": office.rounds.all()}
            for office in mine
        ],
        "form": RoundForm(),
    })


@login_required
@require_POST
def round_create(request, municipality_id):
    office = get_object_or_404(offices(request.user), pk=municipality_id)
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the round a name."))
        return redirect("workbench:home")
    new = Round.objects.create(municipality=office,
                               name=form.cleaned_data["name"],
                               created_by=request.user)
    history.record(request.user, "round", f"round '{new.name}' created",
                   round_=new)
    return redirect("workbench:round", new.pk)


@login_required
@require_POST
def language(request):
    chosen = request.POST.get("language", "")
    if chosen in dict(settings.LANGUAGES):
        mine = profile(request.user)
        mine.language = chosen
        mine.save(update_fields=["language"])
        translation.activate(chosen)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = reverse("workbench:home")
    return redirect(back)


def _proposal_solve(round_, solve_id=None):
    """The solve whose proposal a page shows: the one named, else the
    latest with a proposal."""
    solves = round_.solves.exclude(proposal_json="")
    if solve_id:
        try:
            return solves.get(pk=int(solve_id))
        except (ValueError, Solve.DoesNotExist):
            raise Http404("No such proposal") from None
    return solves.order_by("-id").first()


@in_office()
def round_view(request, round_id):
    round_ = request.round
    solving.fail_stale(round_)
    current = round_.current_import()
    shown = _proposal_solve(round_)
    context = {
        "round": round_, "role": request.role, "current": current,
        "solves": round_.solves.select_related("requested_by")[:20],
        "running": round_.solves.filter(
            status__in=[SolveStatus.QUEUED, SolveStatus.RUNNING]).first(),
        "solve_form": SolveForm(initial={"policy": "default"}),
        "shown": shown,
        "last_import": round_.imports.order_by("-id").first(),
        "pending": decisions.pending_declines(round_.pk),
    }
    if current is not None:
        instance = present.instance_of(current.instance_json)
        proposal = (present.proposal_of(shown.proposal_json)
                    if shown else None)
        context["figures"] = present.figures(instance, proposal)
    return render(request, "workbench/round.html", context)


@in_office()
def import_view(request, round_id):
    round_ = request.round
    if request.method == "POST":
        files = request.FILES.getlist("files")
        instance, problems = read_upload(files,
                                         round_.municipality.code)
        name = ", ".join(f.name for f in files)[:200] or "-"
        with transaction.atomic():
            made = Import.objects.create(
                round=round_, file_name=name, uploaded_by=request.user,
                accepted=instance is not None, problems=problems or [],
                instance_json=(instance.model_dump_json()
                               if instance else ""),
                households=len(instance.households) if instance else 0,
                dwellings=len(instance.dwellings) if instance else 0)
            history.record(
                request.user, "import",
                f"import #{made.pk} of {name}: "
                + (f"{made.households} households, {made.dwellings} "
                   "dwellings" if instance else
                   f"{len(problems)} problem(s), not accepted"),
                round_=round_)
        if instance is not None:
            messages.success(request, _("Imported %(h)d households and "
                                        "%(d)d dwellings.") % {
                "h": made.households, "d": made.dwellings})
            return redirect("workbench:round", round_.pk)
        return redirect(reverse("workbench:import", args=[round_.pk])
                        + f"?problems={made.pk}")
    shown = None
    if request.GET.get("problems"):
        shown = get_object_or_404(Import, pk=request.GET["problems"],
                                  round=round_)
    rows: dict = {}
    for p in (shown.problems if shown else []):
        rows.setdefault((p["file"], p["row"]), []).append(p)
    return render(request, "workbench/import.html", {
        "round": round_, "role": request.role, "failed": shown,
        "rows": [{"file": f, "row": r, "problems": ps}
                 for (f, r), ps in rows.items()],
        "imports": round_.imports.order_by("-id")[:10],
    })


@in_office()
@require_POST
def solve_start(request, round_id):
    round_ = request.round
    current = round_.current_import()
    form = SolveForm(request.POST)
    if current is None or not form.is_valid():
        messages.error(request, _("Import the round's data first."))
        return redirect("workbench:round", round_.pk)
    previous = None
    if form.cleaned_data["fewest_changes"]:
        previous = _proposal_solve(round_)
    solve = Solve.objects.create(
        round=round_, source=current, previous=previous,
        policy=form.cleaned_data["policy"], requested_by=request.user)
    history.record(request.user, "solve",
                   f"solve #{solve.pk} started ({solve.policy}"
                   + (", fewest changes" if previous else "") + ")",
                   round_=round_)
    if settings.WORKBENCH_SOLVE_INLINE:
        solving.run(solve.pk)
        solve.refresh_from_db()
    else:
        transaction.on_commit(lambda: solving.submit(solve))
    if request.htmx:
        return render(request, "workbench/_progress.html",
                      {"round": round_, "solve": solve})
    return redirect("workbench:round", round_.pk)


@in_office()
def solve_progress(request, round_id, solve_id):
    solve = get_object_or_404(Solve, pk=solve_id, round=request.round)
    if not solve.finished and solving.fail_stale(request.round):
        solve.refresh_from_db()
    return render(request, "workbench/_progress.html",
                  {"round": request.round, "solve": solve})


@in_office()
@require_POST
def solve_cancel(request, round_id, solve_id):
    solve = get_object_or_404(Solve, pk=solve_id, round=request.round)
    if not solve.finished:
        Solve.objects.filter(pk=solve.pk).update(cancel_requested=True)
        history.record(request.user, "solve",
                       f"cancel of solve #{solve.pk} requested",
                       round_=request.round)
        solve.refresh_from_db()
    if request.htmx:
        return render(request, "workbench/_progress.html",
                      {"round": request.round, "solve": solve})
    return redirect("workbench:round", request.round.pk)


def _loaded(round_, solve):
    return (present.instance_of(solve.source.instance_json),
            present.proposal_of(solve.proposal_json))


@in_office()
def proposal_view(request, round_id, solve_id):
    solve = _proposal_solve(request.round, solve_id)
    instance, proposal = _loaded(request.round, solve)
    offers = _decision_state(request.round)
    return render(request, "workbench/proposal.html", {
        "round": request.round, "role": request.role, "solve": solve,
        "proposal": proposal,
        "figures": present.figures(instance, proposal),
        "changes": present.changes(proposal),
        "map": present.map_points(instance, proposal),
        "tile_url": settings.WORKBENCH_TILE_URL,
        "state": offers,
        "others": request.round.solves.exclude(proposal_json="")
        .exclude(pk=solve.pk),
    })


@in_office()
def compare_view(request, round_id):
    a = _proposal_solve(request.round, request.GET.get("a"))
    b = _proposal_solve(request.round, request.GET.get("b"))
    if a is None or b is None:
        raise Http404("Two proposals are needed")
    pa, pb = present.proposal_of(a.proposal_json), \
        present.proposal_of(b.proposal_json)
    rows = present.comparison(pa, pb)
    return render(request, "workbench/compare.html", {
        "round": request.round, "role": request.role, "a": a, "b": b,
        "pa": pa, "pb": pb, "rows": rows,
        "differ": sum(not r["same"] for r in rows),
    })


def _decision_state(round_) -> dict:
    """The latest event per household, for the tables."""
    state: dict = {}
    for event in DecisionEvent.objects.filter(round=round_).exclude(
            kind="note"):
        state[event.household] = event
    return state


def _solve_and_instance(request):
    """The proposal a page shows (``?solve=``, else the latest) and the
    instance it was made from, or the round's current import."""
    solve = _proposal_solve(request.round, request.GET.get("solve"))
    source = solve.source if solve else request.round.current_import()
    if source is None:
        raise Http404("Nothing imported")
    return solve, present.instance_of(source.instance_json)


@in_office()
def household_view(request, round_id, household):
    round_ = request.round
    solve, instance = _solve_and_instance(request)
    facts = present.household_facts(instance, household, sensitive=True)
    if facts is None:
        raise Http404("No such household")
    proposal = present.proposal_of(solve.proposal_json) if solve else None
    explanation = (present.explanation(proposal, household)
                   if proposal else None)
    events = DecisionEvent.objects.filter(
        round=round_, household=household).select_related(
        "recorded_by", "review__reviewed_by")
    dwelling = (explanation["match"].dwelling
                if explanation and explanation["matched"] else "")
    form = DecisionForm(role=request.role, households=set(),
                        dwellings=set(),
                        initial={"household": household,
                                 "dwelling": dwelling})
    return render(request, "workbench/household.html", {
        "round": round_, "role": request.role, "solve": solve,
        "facts": facts, "explanation": explanation, "events": events,
        "form": form, "household": household, "dwelling": dwelling,
        "dwellings": [d.id for d in instance.dwellings],
        "hard_rules": form.fields["rule"].choices[1:],
        "reasons": DecisionEvent.REASONS,
    })


@in_office()
def dwelling_view(request, round_id, dwelling):
    round_ = request.round
    solve, instance = _solve_and_instance(request)
    found = next((d for d in instance.dwellings if d.id == dwelling), None)
    if found is None:
        raise Http404("No such dwelling")
    proposal = present.proposal_of(solve.proposal_json) if solve else None
    match = next((m for m in proposal.matches if m.dwelling == dwelling),
                 None) if proposal else None
    return render(request, "workbench/dwelling.html", {
        "round": round_, "role": request.role, "solve": solve,
        "dwelling": found, "match": match,
        "explanation": (present.explanation(proposal, match.household)
                        if match else None),
        "events": DecisionEvent.objects.filter(round=round_,
                                               dwelling=dwelling),
    })


def _pause_for_kill_test() -> None:
    """Test hook: inside a decision's transaction, mark and wait, so a
    test can kill the server there. Set only by the kill test."""
    marker = os.environ.get("WORKBENCH_TEST_PAUSE_IN_DECISION")
    if marker:
        Path(marker).write_text("inside")
        time.sleep(60)


@in_office()
@require_POST
def decide(request, round_id):
    round_ = request.round
    current = round_.current_import()
    if current is None:
        raise Http404("Nothing imported")
    instance = present.instance_of(current.instance_json)
    form = DecisionForm(
        request.POST, role=request.role,
        households={h.id for h in instance.households},
        dwellings={d.id for d in instance.dwellings})
    household = request.POST.get("household", "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back_to(round_, household)
    data = form.cleaned_data
    kind = data["kind"]
    event = DecisionEvent(
        round=round_, date=timezone.localdate(), kind=kind,
        household=data["household"], dwelling=data.get("dwelling", ""),
        officer=f"U-{request.user.pk}", reason=data.get("reason", ""),
        rule=data.get("rule", ""), until=data.get("until"),
        note=data.get("note", ""), recorded_by=request.user,
        solve=_proposal_solve(round_))
    refused = decisions.problems_with(round_.pk, event, instance)
    if refused:
        for problem in refused:
            messages.error(request, problem)
        return _back_to(round_, household)
    with transaction.atomic():
        event.save(force_insert=True)
        _pause_for_kill_test()
        history.record(
            request.user, "override" if kind == "override" else "decision",
            f"{kind} {event.household}"
            + (f" / {event.dwelling}" if event.dwelling else "")
            + (f" ({event.reason})" if event.reason else "")
            + (f" rule {event.rule}" if event.rule else "")
            + (f" until {event.until}" if event.until else "")
            + (", pending a supervisor" if kind == "decline" else ""),
            round_=round_)
    if kind == "decline":
        messages.success(request, _("Decline recorded; it takes effect "
                                    "once a supervisor confirms it."))
    else:
        messages.success(request, _("Recorded: %(kind)s.") % {
            "kind": event.get_kind_display()})
    return _back_to(round_, household)


@in_office()
@require_POST
def decline_review(request, round_id, event_id):
    """A supervisor of the round's municipality confirms a pending decline
    (its consequences reach the next solve) or overrides it (the offer
    stands). An officer may not; another municipality's decline is 404."""
    round_ = request.round
    event = get_object_or_404(DecisionEvent, pk=event_id, round=round_,
                              kind="decline")
    if request.role != Role.SUPERVISOR:
        raise PermissionDenied("Only a supervisor reviews a decline.")
    verdict = request.POST.get("verdict", "")
    note = request.POST.get("note", "").strip()[:2000]
    if verdict not in (DeclineReview.CONFIRM, DeclineReview.OVERRIDE):
        messages.error(request, _("Confirm the decline or override it."))
    elif verdict == DeclineReview.OVERRIDE and not note:
        messages.error(request, _("Overriding a decline needs a reason."))
    else:
        with transaction.atomic():
            locked = (DecisionEvent.objects.select_for_update()
                      .filter(pk=event.pk).first())
            if DeclineReview.objects.filter(decline=locked).exists():
                messages.error(request,
                               _("This decline has been reviewed already."))
                return _back_to(round_, request.POST.get("next_household",
                                                         ""))
            DeclineReview.objects.create(decline=locked, verdict=verdict,
                                         note=note,
                                         reviewed_by=request.user)
            history.record(
                request.user, "decision",
                f"decline {event.household} / {event.dwelling} "
                f"({event.reason}) "
                + ("confirmed" if verdict == DeclineReview.CONFIRM
                   else "overridden, the offer stands")
                + f" by {request.user.username}",
                round_=round_)
        messages.success(request, _("Decline confirmed.")
                         if verdict == DeclineReview.CONFIRM
                         else _("Decline overridden; the offer stands."))
    return _back_to(round_, request.POST.get("next_household", ""))


def _back_to(round_, household):
    if household:
        return redirect("workbench:household", round_.pk, household)
    return redirect("workbench:round", round_.pk)


@in_office()
def export_view(request, round_id, solve_id, what):
    solve = _proposal_solve(request.round, solve_id)
    if what not in exports.KINDS:
        raise Http404("No such export")
    instance, proposal = _loaded(request.round, solve)
    lang = translation.get_language() or "nb"
    lang = "en" if lang.startswith("en") else "nb"
    history.record(request.user, "export",
                   f"export {what} of solve #{solve.pk} ({lang})",
                   round_=request.round)
    stem = f"proposal-{request.round.pk}-{solve.pk}"
    if what == "workbook":
        return HttpResponse(
            exports.workbook(proposal, instance, lang, solve.policy),
            content_type="application/vnd.openxmlformats-officedocument"
            ".spreadsheetml.sheet",
            headers={"Content-Disposition":
                     f'attachment; filename="{stem}.xlsx"'})
    if what == "letters":
        return HttpResponse(
            exports.letters(proposal, instance, lang),
            content_type="application/zip",
            headers={"Content-Disposition":
                     f'attachment; filename="letters-{request.round.pk}-'
                     f'{solve.pk}.zip"'})
    return HttpResponse(
        exports.report(proposal, instance, lang, solve.policy),
        content_type="text/html; charset=utf-8")


@in_office()
def history_view(request, round_id):
    entries = HistoryEntry.objects.filter(round=request.round) \
        .select_related("user")
    logins = HistoryEntry.objects.filter(
        municipality=request.round.municipality, round=None) \
        .select_related("user")[:50]
    return render(request, "workbench/history.html", {
        "round": request.round, "role": request.role,
        "entries": entries, "logins": logins,
        "decisions": DecisionEvent.objects.filter(round=request.round)
        .select_related("recorded_by"),
    })


@login_required
def figures_view(request):
    """Every municipality's quotas and figures, no personal details: for
    IMDi analysts and administrators."""
    if not (is_analyst(request.user) or request.user.is_superuser):
        raise Http404("Analysts only")
    rows = []
    for office in Municipality.objects.all():
        round_ = office.rounds.first()
        current = round_.current_import() if round_ else None
        shown = _proposal_solve(round_) if current else None
        figures = None
        if current is not None:
            figures = present.figures(
                present.instance_of(current.instance_json),
                present.proposal_of(shown.proposal_json) if shown else None)
        rows.append({"office": office, "round": round_,
                     "figures": figures})
    return render(request, "workbench/figures.html", {"rows": rows})


@login_required
def members_view(request, municipality_id):
    office = get_object_or_404(Municipality, pk=municipality_id)
    if role_in(request.user, office.pk) != Role.SUPERVISOR \
            and not request.user.is_superuser:
        raise Http404("Supervisors only")
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        users = get_user_model()
        user = users.objects.filter(username=data["username"]).first()
        try:
            if user is None:
                validate_password(data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        else:
            with transaction.atomic():
                if user is None:
                    user = users.objects.create_user(
                        data["username"], password=data["password"])
                Membership.objects.update_or_create(
                    user=user, municipality=office,
                    defaults={"role": data["role"]})
                history.record(request.user, "users",
                               f"{user.username} made {data['role']}",
                               municipality=office)
            return redirect("workbench:members", office.pk)
    return render(request, "workbench/members.html", {
        "office": office, "form": form,
        "members": office.memberships.select_related("user")
        .order_by("user__username"),
    })


def health(request):
    return HttpResponse("ok", content_type="text/plain")
