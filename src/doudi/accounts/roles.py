"""The roles of DESIGN.md §1 and what each may do, as explicit capability flags.

Each flag answers one question; code asks the flag, never the role name, so a new role is one
entry here. 三权分立 (等保 level 3): administrator, security officer and auditor are separate
duties — none of them reads residents' data except the auditor, who reads but never changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMUNITY_OFFICER = "community_officer", _("Community assistance officer")
    SERVICE_PROVIDER = "service_provider", _("Social worker / volunteer")
    STREET_REVIEWER = "street_reviewer", _("Street reviewer")
    DISTRICT_BUREAU = "district_bureau", _("District civil-affairs bureau")
    AUDITOR = "auditor", _("Supervisor / auditor")
    DATA_OFFICER = "data_officer", _("Department data officer")
    APPLICANT = "applicant", _("Applicant")
    ADMINISTRATOR = "administrator", _("System administrator")
    SECURITY_OFFICER = "security_officer", _("Security officer")


@dataclass(frozen=True)
class Capabilities:
    # Reads households and people inside the user's jurisdiction.
    reads_registry: bool = False
    # Changes household and person records inside the user's jurisdiction.
    edits_registry: bool = False
    # May reveal a full ID number (with a reason; every reveal is audited).
    reveals_ids: bool = False
    # Reads the audit log.
    reads_audit: bool = False
    # Manages user accounts (the admin site).
    manages_users: bool = False
    # Unlocks accounts and resets second factors.
    manages_security: bool = False
    # Delivers data for the feeds of the user's own department (upload page, push API).
    delivers_feeds: bool = False
    # Reads every feed's deliveries and quarantine (not only the own department's).
    reads_all_feeds: bool = False
    # Runs identity resolution and decides review pairs (district data staff).
    reviews_identity: bool = False
    # Edits the monitoring policy (indicators, points, caps, bands, area parameters) and starts
    # monitoring runs — the district bureau's 低保中心 (DESIGN.md §1: "monitoring runs, policy").
    edits_policy: bool = False
    # Works casework tasks inside the user's jurisdiction: home visits, outcomes, dispositions,
    # service referrals (casework).
    works_cases: bool = False
    # Assigns casework tasks to the community officers of the task's community.
    assigns_tasks: bool = False
    # Grants assist-first aid (先行救助) up to the delegated limit (street reviewers).
    grants_assist_first: bool = False
    # Sets casework's dated policy parameters and draws the random verification visits.
    edits_casework_policy: bool = False
    # Delivers services (tutoring, counselling, care) on the referrals made to them.
    provides_services: bool = False
    # Enters the official holiday calendar (a year's holidays and make-up working days).
    edits_calendar: bool = False
    # Must sign in with a second factor (TOTP).
    requires_2fa: bool = False
    # Which jurisdiction level the account must be bound to (None: no binding needed).
    jurisdiction_level: str | None = None


CAPABILITIES: dict[str, Capabilities] = {
    Role.COMMUNITY_OFFICER: Capabilities(
        reads_registry=True,
        edits_registry=True,
        reveals_ids=True,
        works_cases=True,
        assigns_tasks=True,
        jurisdiction_level="community",
    ),
    # Sees only the referrals made to them (casework), nothing else of the register.
    Role.SERVICE_PROVIDER: Capabilities(provides_services=True, jurisdiction_level="community"),
    Role.STREET_REVIEWER: Capabilities(
        reads_registry=True,
        edits_registry=True,
        reveals_ids=True,
        works_cases=True,
        assigns_tasks=True,
        grants_assist_first=True,
        jurisdiction_level="street",
    ),
    Role.DISTRICT_BUREAU: Capabilities(
        reads_registry=True,
        edits_registry=True,
        reveals_ids=True,
        reads_all_feeds=True,
        reviews_identity=True,
        edits_policy=True,
        works_cases=True,
        assigns_tasks=True,
        edits_casework_policy=True,
        requires_2fa=True,
        jurisdiction_level="district",
    ),
    Role.AUDITOR: Capabilities(
        reads_registry=True,
        reads_audit=True,
        reads_all_feeds=True,
        requires_2fa=True,
        jurisdiction_level="district",
    ),
    Role.DATA_OFFICER: Capabilities(delivers_feeds=True),
    Role.APPLICANT: Capabilities(),
    Role.ADMINISTRATOR: Capabilities(manages_users=True, edits_calendar=True, requires_2fa=True),
    Role.SECURITY_OFFICER: Capabilities(manages_security=True, requires_2fa=True),
}


def capabilities(role: str) -> Capabilities:
    return CAPABILITIES.get(role, Capabilities())
