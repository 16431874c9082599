"""
Load on the workbench, on localhost: officers of different municipalities
work at once on city-sized rounds (400 households, 600 dwellings) while
one city solve runs in the background. Prints the 95th percentile page
time and the error count; bounded in requests and time.

    uv run python benchmarks/workbench/load.py --officers 20 --requests 15

Uses a fresh SQLite database in a temporary folder (or the PostgreSQL
database named by DATABASE_URL, which it fills) and a real server process
(Django's threaded server).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--requests", type=int, default=15,
                        help="requests per officer")
    parser.add_argument("--seconds", type=float, default=180,
                        help="stop every officer after this long")
    args = parser.parse_args()
    _start_django()
    offices, solve_round = _populate(args.officers)
    from tests.workbench.server import Browser, Server

    server = Server(WORKBENCH_SOLVE_TIME_LIMIT="60")
    times: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + args.seconds
    try:
        # One officer starts a city solve in the background.
        starter = Browser(server.base, offices[0]["session"])
        starter.get(f"/rounds/{solve_round}/")
        starter.post(f"/rounds/{solve_round}/solve/", {"policy": "default"})
        wall = _load(server.base, offices, args.requests, stop_at, times,
                     errors)
        from workbench.models import Solve

        solve = Solve.objects.filter(round_id=solve_round).order_by(
            "-id").first()
        status = f"{solve.status} ({solve.stage})"
    finally:
        server.stop()
    _print_results(len(offices), times, errors, wall, status)


def _start_django() -> None:
    """Django on a fresh data folder (unless WORKBENCH_DATA names one),
    its database migrated."""
    data = tempfile.mkdtemp(prefix="workbench-load-")
    os.environ.setdefault("WORKBENCH_DATA", data)
    os.environ["WORKBENCH_SOLVE_TIME_LIMIT"] = "60"
    os.environ["DJANGO_SETTINGS_MODULE"] = "workbench.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load(base: str, offices: list[dict], requests: int, stop_at: float,
          times: list[float], errors: list[str]) -> float:
    """Every officer at once, each in a thread of its own; the seconds
    until the last has finished."""
    lock = threading.Lock()
    began = time.perf_counter()
    threads = [threading.Thread(target=_officer,
                                args=(base, o, requests, stop_at, times,
                                      errors, lock))
               for o in offices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - began


def _officer(base: str, office: dict, requests: int, stop_at: float,
             times: list[float], errors: list[str],
             lock: threading.Lock) -> None:
    """
    One officer's requests, until ``requests`` or ``stop_at``: the
    round's pages in turn, every fifth a decision. Adds each page's time
    to ``times``, or its error to ``errors``.
    """
    from tests.workbench.server import Browser

    browser = Browser(base, office["session"])
    r, s = office["round"], office["solve"]
    pages = [f"/rounds/{r}/", f"/rounds/{r}/solves/{s}/",
             f"/rounds/{r}/households/H-00007/?solve={s}",
             f"/rounds/{r}/history/", f"/rounds/{r}/import/"]
    for i in range(requests):
        if time.monotonic() > stop_at:
            return
        began = time.perf_counter()
        try:
            if i % 5 == 4:
                browser.post(f"/rounds/{r}/decide/",
                             {"kind": "note",
                              "household": "H-00007",
                              "note": f"follow-up {i}"})
            else:
                browser.get(pages[i % len(pages)]).read()
        except Exception as error:  # counted, not raised
            with lock:
                errors.append(repr(error))
            continue
        with lock:
            times.append(time.perf_counter() - began)


def _print_results(officers: int, times: list[float], errors: list[str],
                   wall: float, status: str) -> None:
    """The database, the request count, errors and page times."""
    import django

    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)] if times else 0
    print(f"database        {django.db.connection.vendor}")
    print(f"officers        {officers} (one municipality each, "
          "city-sized rounds)")
    print(f"requests        {len(times) + len(errors)} in {wall:.1f} s")
    print(f"errors          {len(errors)}")
    if times:
        print(f"median page     {statistics.median(times) * 1000:.0f} ms")
        print(f"95th percentile {p95 * 1000:.0f} ms")
        print(f"slowest         {times[-1] * 1000:.0f} ms")
    print(f"background solve {status}")
    for error in errors[:5]:
        print("  ", error)


def _populate(n: int):
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from allocator.generate import generate
    from allocator.pipeline import propose
    from workbench.models import (Import, Membership, Municipality, Profile,
                                  Round, Solve)

    city = generate("city", 0)
    city_json = city.model_dump_json()
    proposal_json = propose(city, time_limit=60).proposal.model_dump_json()
    password = make_password("load-test-password")
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    offices, solve_round = [], None
    for i in range(n):
        office = Municipality.objects.create(code=f"K-L{i:03d}",
                                             name=f"Kommune {i}")
        user = get_user_model().objects.create(username=f"officer{i}",
                                               password=password)
        Profile.objects.create(user=user, language="nb")
        Membership.objects.create(user=user, municipality=office,
                                  role="officer")
        round_ = Round.objects.create(municipality=office, name="Runde 1",
                                      created_by=user)
        source = Import.objects.create(
            round=round_, file_name="city.xlsx", uploaded_by=user,
            accepted=True, instance_json=city_json,
            households=len(city.households), dwellings=len(city.dwellings))
        solve = Solve.objects.create(
            round=round_, source=source, policy="default",
            requested_by=user, status="done", check_passed=True,
            proposal_json=proposal_json)
        store = store_class()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = \
            "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        offices.append({"round": round_.pk, "solve": solve.pk,
                        "session": store.session_key})
        solve_round = solve_round or round_.pk
    return offices, solve_round


if __name__ == "__main__":
    main()
