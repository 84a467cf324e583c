"""``doudi demo``: build and load a demo district, create one account per role, serve it."""

from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from doudi.accounts.demo import DEMO_PASSWORD, demo_accounts_ensure
from doudi.assistance.demo import demo_resident_ensure
from doudi.casework.demo import demo_providers_ensure
from doudi.common.progress import progress_bar
from doudi.identity.actions import link_run
from doudi.intake.actions import expand_paths, ingest_path
from doudi.monitoring.actions import monitoring_run
from doudi.monitoring.tasks import daily_schedule_ensure
from doudi.registry.actions import jurisdictions_load
from doudi.registry.models import Household, Person


class Command(BaseCommand):
    help = "Build a demo district (default 2,000 households), create demo accounts and serve."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=20261129)
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve on")
        parser.add_argument("--no-serve", action="store_true", help="build only, do not serve")
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="load the demo district again even if households exist",
        )

    def handle(
        self, *args, households: int, seed: int, addr: str, no_serve: bool, rebuild: bool, **options
    ):
        if not settings.DOUDI_DEMO:
            raise CommandError("doudi demo runs with the local settings only (DOUDI_DEMO)")
        from doudi.synth import generate

        call_command("migrate", interactive=False, verbosity=0)
        jurisdictions_load()
        if rebuild or not Household.objects.exists():
            out = settings.VAR_DIR / "demo"
            self.stdout.write(f"building a demo district of {households} households in {out} …")
            with progress_bar(total=households, unit="户", desc="synth") as bar:
                generate(
                    out,
                    households=households,
                    seed=seed,
                    progress=lambda done, total: bar.update(done - bar.n),
                )
            # Every department's feed through intake, so deliveries and quarantine have content;
            # the household-register feed (first) builds the register.
            files = expand_paths([out / "feeds"])
            register = [p for p in files if p.parent.name == "gongan_hukou"]
            for path in register:
                ingest_path(path=path)
            self.stdout.write(
                f"loaded {Household.objects.count()} households, {Person.objects.count()} people"
            )
            for path in files:
                if path not in register:
                    ingest_path(path=path)
            self.stdout.write(f"ingested {len(files)} department feed files")
            # Persons and households linked, then scored: the demo opens with warnings to see.
            link = link_run()
            self.stdout.write(f"linked {link.records} records into {link.persons} persons")
            run = monitoring_run(actor=None)
            self.stdout.write(f"monitoring: {run.counts.get('warned', 0)} households warned")
        daily_schedule_ensure()
        accounts = demo_accounts_ensure()
        demo_providers_ensure()
        demo_resident_ensure()
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for every account: {DEMO_PASSWORD})")
        self.stdout.write("演示账号（所有账号密码相同）")
        for account in accounts:
            line = f"  {account.username:<12} {account.role_label:<14} {account.place}"
            if account.totp_secret:
                line += f"   TOTP key {account.totp_secret} (current code: doudi totp {account.username})"
            self.stdout.write(line)
        if no_serve:
            return
        # Uploaded files are ingested in the background by the database-backed task worker.
        worker = subprocess.Popen([sys.executable, "-m", "doudi", "db_worker", "--no-reload"])
        self.stdout.write(f"\nserving http://{addr}/ — Ctrl-C to stop")
        # Stopped by SIGTERM (a service manager, a test) as by Ctrl-C: unwind, so the worker
        # is stopped below instead of living on as an orphan.
        signal.signal(signal.SIGTERM, _exit_quietly)
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)


def _exit_quietly(signum, frame):
    raise SystemExit(0)
