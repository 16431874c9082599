"""
Loads a demo municipality: a generated town (``allocator.generate``),
an officer and a supervisor (Norwegian by default), a first round with the
town imported, and the town as a workbook to import by hand.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from allocator.generate import generate
from allocator.io import write_instance

from ... import history
from ...models import Import, Membership, Municipality, Profile, Role, Round

USERS = (("officer", Role.OFFICER), ("supervisor", Role.SUPERVISOR))


class Command(BaseCommand):
    help = "Load a demo municipality with a generated town and two users."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--preset", default="town")
        parser.add_argument("--password-suffix", default="-demo-2026",
                            help="each user's password is its name + this")

    def handle(self, *args, seed, preset, password_suffix, **options):
        instance = generate(preset, seed)
        first = instance.municipalities[0]
        out = Path(settings.DATA) / "demo"
        out.mkdir(parents=True, exist_ok=True)
        workbook = out / f"{preset}-{seed}.xlsx"
        write_instance(instance, workbook)
        users = get_user_model()
        with transaction.atomic():
            office, _ = Municipality.objects.get_or_create(
                code=first.id,
                defaults={"name": first.name or f"Demo {first.id}"})
            made = {}
            for name, role in USERS:
                user = users.objects.filter(username=name).first()
                if user is None:
                    user = users.objects.create_user(name)
                user.set_password(name + password_suffix)
                user.save()
                Profile.objects.update_or_create(
                    user=user, defaults={"language": "nb"})
                Membership.objects.update_or_create(
                    user=user, municipality=office,
                    defaults={"role": role})
                made[name] = user
            if not office.rounds.exists():
                round_ = Round.objects.create(
                    municipality=office, name="Runde 1",
                    created_by=made["supervisor"])
                Import.objects.create(
                    round=round_, file_name=workbook.name,
                    uploaded_by=made["supervisor"], accepted=True,
                    instance_json=instance.model_dump_json(),
                    households=len(instance.households),
                    dwellings=len(instance.dwellings))
                history.record(made["supervisor"], "import",
                               f"demo import of {workbook.name}",
                               round_=round_)
        self.stdout.write(f"Demo municipality {office.name} ({office.code})"
                          f" with {len(instance.households)} households and"
                          f" {len(instance.dwellings)} dwellings.")
        self.stdout.write(f"Workbook to import by hand: {workbook}")
        for name, role in USERS:
            self.stdout.write(f"  {role.label:<11} user {name:<11} "
                              f"password {name}{password_suffix}")
