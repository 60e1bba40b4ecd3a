"""Reading diary forms: the same field names as the sync API, so one checker serves both."""

import json
import uuid

from werkzeug.datastructures import MultiDict

MULTI_FIELDS = {"food_groups", "mood_words"}
NOT_ENTRY_FIELDS = {"csrf_token", "entry"}


def raw_entry_from_form(form: MultiDict, kind: str) -> dict:
    """A form post as the dict the checker expects (lists for multi-choice fields)."""
    raw = {name: form.getlist(name) if name in MULTI_FIELDS else form.get(name) for name in form.keys()}
    for name in NOT_ENTRY_FIELDS:
        raw.pop(name, None)
    raw["kind"] = kind
    return raw


def raw_entries_from_one_tap(form: MultiDict) -> list:
    """One-tap buttons carry one or more whole entries as JSON in hidden "entry" fields."""
    entries = []
    for text in form.getlist("entry")[:50]:
        try:
            entries.append(json.loads(text))
        except ValueError:
            entries.append(None)  # the checker says it is not an entry
    return entries


def one_tap_entry(values: dict) -> str:
    """The hidden field value for a one-tap button: the entry's content with a fresh UUID.

    A new UUID is made every time the page is drawn, so pressing the button twice sends the
    same entry twice and it is saved once.
    """
    return json.dumps({"uuid": str(uuid.uuid4()), **values}, separators=(",", ":"))
