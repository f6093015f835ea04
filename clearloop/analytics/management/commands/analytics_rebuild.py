"""Recount the score rollups of one organization (or all) from the raw answers."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clearloop.accounts.models import Organization
from clearloop.analytics.rollups import rollups_rebuild


class Command(BaseCommand):
    help = "Rebuild the analytics rollups from the raw responses (all organizations by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", help="Slug of one organization.")

    def handle(self, *args: Any, **options: Any) -> None:
        organizations = Organization.objects.order_by("pk")
        if options["organization"]:
            organizations = organizations.filter(slug=options["organization"])
            if not organizations.exists():
                raise CommandError(f"No organization with the slug {options['organization']!r}.")
        for organization in organizations:
            started = time.perf_counter()
            rows = rollups_rebuild(organization=organization)
            seconds = time.perf_counter() - started
            self.stdout.write(f"{organization.slug}: {rows:,} rollup rows in {seconds:.1f} s")
