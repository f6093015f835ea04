"""`manage.py seed_demo`: create the demo organization and print how to sign in."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clearloop.accounts.models import Organization
from clearloop.analytics.rollups import rollups_rebuild
from clearloop.core.errors import ClearloopError
from clearloop.demo.boards import seed_dashboards
from clearloop.demo.goals import seed_goals
from clearloop.demo.services import (
    any_organization_exists,
    demo_logins,
    demo_seed,
    demo_summary,
)
from clearloop.demo.text_analysis import demo_text_analysis


class Command(BaseCommand):
    help = (
        "Create the demo organization, Lumen Home & Living: people and teams, customers "
        "with orders and support contacts, surveys with their distributions, responses "
        "and email invitations (some reminders due), and feedback in English, Chinese and "
        "Japanese."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=7,
            help="Random seed; the same seed gives the same data (default 7).",
        )
        parser.add_argument(
            "--customers", type=int, default=600, help="Number of customers (default 600)."
        )
        parser.add_argument(
            "--responses", type=int, default=3000, help="Number of survey responses (default 3000)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any organization exists already."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo organization first, then create it anew.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and any_organization_exists():
            self.stdout.write("An organization exists already; the demo was not created.")
            return
        started = time.perf_counter()
        try:
            organization = demo_seed(
                seed=options["seed"],
                customers=options["customers"],
                responses=options["responses"],
                reset=options["reset"],
            )
        except ClearloopError as error:
            raise CommandError(error.message) from error
        demo_text_analysis(organization)
        rollups_rebuild(organization=organization)  # dashboards read rollups (ADR 0014)
        seed_goals(organization=organization)
        seed_dashboards(organization=organization)
        self._report(organization, time.perf_counter() - started)

    def _report(self, organization: Organization, seconds: float) -> None:
        counts = ", ".join(
            f"{count:,} {name}" for name, count in demo_summary(organization=organization).items()
        )
        self.stdout.write(
            self.style.SUCCESS(f"Created “{organization.name}” in {seconds:.1f} s: {counts}.")
        )
        self.stdout.write(
            f"Sign in with any of these; the password is “{settings.CLEARLOOP_DEMO_PASSWORD}”:"
        )
        for person in demo_logins():
            self.stdout.write(f"  {person.role:<8} {person.email:<36} {person.full_name}")
