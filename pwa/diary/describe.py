"""Short plain-English descriptions of entries, for lists and one-tap buttons."""

from pwa.clock import to_london
from pwa.diary import vocab


def _number(value: float) -> str:
    return f"{value:g}"


def entry_label(entry, *, with_time: bool = True) -> str:
    """For example "Lunch: beans on toast", "Walking, 30 minutes", "2 × Pint of beer (4.5 units)"."""
    text = _content(entry)
    if with_time:
        return f"{to_london(entry.occurred_at).strftime('%H:%M')} {text}"
    return text


def _content(entry) -> str:
    kind = entry.kind
    if kind == "food":
        parts = [vocab.MEALS.get(entry.meal, "Food")]
        detail = entry.description or ", ".join(vocab.FOOD_GROUPS[group] for group in entry.food_groups or [])
        text = f"{parts[0]}: {detail}" if detail else parts[0]
        if entry.portions:
            text += f" ({_number(entry.portions)} fruit and veg)"
        return text
    if kind == "activity":
        label = vocab.ACTIVITIES.get(entry.activity, ("Activity", ""))[0]
        text = f"{label}, {entry.minutes} minutes"
        return text if entry.intensity == "moderate" else f"{text}, {entry.intensity}"
    if kind == "alcohol":
        if entry.marker == "drink_free":
            return "Drink-free day"
        preset = vocab.DRINK_PRESETS.get(entry.drink)
        name = preset.label if preset else f"{_number(entry.volume_ml)} ml drink at {_number(entry.abv)}%"
        count = f"{entry.quantity} × " if entry.quantity and entry.quantity > 1 else ""
        return f"{count}{name} ({_number(round(entry.units, 1))} units)"
    if kind == "smoking":
        if entry.marker == "smoke_free":
            return "Smoke-free day"
        return f"{entry.cigarettes} {vocab.TOBACCO.get(entry.tobacco, 'Cigarettes').lower()}"
    if kind == "mood":
        label = vocab.MOODS.get(entry.mood, ("Mood", ""))[0]
        words = f": {', '.join(entry.mood_words)}" if entry.mood_words else ""
        return f"Mood {label.lower()}{words}"
    if kind == "weight":
        return f"Weight {_number(entry.weight_kg)} kg"
    return kind


def kind_picture(kind: str) -> str:
    return vocab.KIND_LABELS[kind][1]
