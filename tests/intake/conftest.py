from pathlib import Path

import pytest

FEEDS = Path(__file__).parent / "feeds"


@pytest.fixture(autouse=True)
def test_catalogue(settings):
    """Intake app tests use two small feeds of their own (残联 snapshot, 医保 events)."""
    settings.DOUDI_CATALOGUE_DIR = str(FEEDS)
