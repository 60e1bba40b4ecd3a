"""Helpers shared by the table modules."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, timezone-aware in UTC. SQLModel stores aware datetimes and returns them in UTC."""
    return datetime.now(UTC)
