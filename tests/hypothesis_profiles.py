"""Hypothesis profiles: ``dev`` (the default: few examples, a quick local run) and ``ci``
(thorough: each property test's own number of examples). ``HYPOTHESIS_PROFILE=ci`` selects
the thorough one; ``.ci/run`` sets it. Both are derandomised, so a run is reproducible."""

from __future__ import annotations

import os

from hypothesis import settings

DEV_EXAMPLES = 50

settings.register_profile("ci", deadline=None, derandomize=True, database=None)
settings.register_profile(
    "dev", max_examples=DEV_EXAMPLES, deadline=None, derandomize=True, database=None
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
settings.load_profile(PROFILE)


def examples(thorough: int) -> int:
    """A property test's number of examples: ``thorough`` under ``ci``, at most
    :data:`DEV_EXAMPLES` under ``dev``."""
    return thorough if PROFILE == "ci" else min(thorough, DEV_EXAMPLES)
