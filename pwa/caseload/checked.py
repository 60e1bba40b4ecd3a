"""What checking a caseload form gives back, shared by every form's checks."""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Checked:
    """Clean values to save, and a message for each bad field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors
