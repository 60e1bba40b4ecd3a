"""Checking stories: what happened, what changed, and consent to share. No HTTP here.

A story is shared only with consent, and then only as the anonymised text. When it is about a
client we look for their first and last name in that text: a name found there stops the save
until the writer rewrites it or says it is fine (a name can also be an everyday word, like Rose).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from pwa.caseload.checked import Checked
from pwa.caseload.session_rules import day, text
from pwa.community import vocab

YES, NO = "yes", "no"
MIN_NAME_LENGTH = 2


@dataclass
class StoryChecked(Checked):
    """Checked values and errors, plus warnings the writer must look at before it saves."""

    warnings: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.warnings


def name_parts(full_name: str) -> list[str]:
    """The first and last name of a full name ("Casey Ann Client" -> ["Casey", "Client"])."""
    words = [word for word in re.split(r"[\s,]+", full_name or "") if len(word) >= MIN_NAME_LENGTH]
    if not words:
        return []
    return list(dict.fromkeys([words[0], words[-1]]))


def names_found(anonymised: str, full_name: str) -> list[str]:
    """The client's first or last names that appear as whole words in the text (any case)."""
    found = []
    for name in name_parts(full_name):
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", anonymised, flags=re.IGNORECASE):
            found.append(name)
    return found


def check_story(raw: Mapping, *, today: date, client_name: str | None = None) -> StoryChecked:
    """A new story. With consent to share, the day consent was given and an anonymised text are needed."""
    checked = StoryChecked()
    values, errors = checked.values, checked.errors
    kind = raw.get("kind")
    if kind not in vocab.STORY_KINDS:
        errors["kind"] = "Choose whose story it is."
    values["kind"] = kind
    values["title"], problem = text(raw, "title", 120)
    if problem:
        errors["title"] = problem
    elif not values["title"]:
        errors["title"] = "Give the story a short name, like 'Back on the bike'."
    for name, missing in (
        ("what_happened", "Say what happened."),
        ("what_changed", None),
        ("anonymised_text", None),
    ):
        values[name], problem = text(raw, name, 2000, keep_lines=True)
        if problem:
            errors[name] = problem
        elif missing and not values[name]:
            errors[name] = missing

    consent = raw.get("consent_to_share")
    if consent not in (YES, NO):
        errors["consent_to_share"] = "Choose yes or no."
    values["consent_to_share"] = consent == YES
    consent_on = day(raw, "consent_on")
    if consent == YES:
        if consent_on is None:
            errors["consent_on"] = "Write the day they said yes to sharing it."
        elif consent_on > today:
            errors["consent_on"] = "The day cannot be in the future."
        if not values["anonymised_text"] and "anonymised_text" not in errors:
            errors["anonymised_text"] = "Write the story so nobody can tell who it is about. Only this is shared."
    else:
        consent_on = None
    values["consent_on"] = consent_on

    if client_name and values["anonymised_text"] and "anonymised_text" not in errors:
        found = names_found(values["anonymised_text"], client_name)
        if found and raw.get("names_checked") != YES:
            checked.warnings["anonymised_text"] = (
                f"This has the name {' and '.join(repr(name) for name in found)} in it. "
                "Take the name out, or tick the box below if it is fine."
            )
    return checked
