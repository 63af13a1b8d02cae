"""Loopback fixtures for the connectors: a fake clock (no real waiting) and clients pointed at
pytest-httpserver's local server. Nothing here reaches the network."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from prevention.sources.http import HttpClient

FIXTURES = Path(__file__).parent / "fixtures"


class FakeClock:
    """now/monotonic advance only when someone sleeps; every sleep is recorded."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)):
        self.start, self.elapsed, self.sleeps = start, 0.0, []

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return self.elapsed

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.elapsed += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(clock):
    with HttpClient("PreventionDashboard/test (+tests@example.org)", timeout=2.0, clock=clock,
                    min_delay=0.0) as c:
        yield c


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
