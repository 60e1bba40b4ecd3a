"""Choices for the diary forms as (code, label, picture) tuples, shared by every template."""

from pwa.diary import vocab


def form_options() -> dict:
    return {
        "meal_options": [(code, label, None) for code, label in vocab.MEALS.items()],
        "food_group_options": [(code, label, None) for code, label in vocab.FOOD_GROUPS.items()],
        "activity_options": [(code, label, picture) for code, (label, picture) in vocab.ACTIVITIES.items()],
        "intensity_options": [(code, label, None) for code, label in vocab.INTENSITIES.items()],
        "drink_options": [
            (code, f"{preset.label}: {preset.units:g} units", None) for code, preset in vocab.DRINK_PRESETS.items()
        ]
        + [(vocab.OTHER_DRINK, "Other drink (type the size and strength below)", None)],
        "tobacco_options": [(code, label, None) for code, label in vocab.TOBACCO.items()],
        "mood_options": [(value, label, face) for value, (label, face) in vocab.MOODS.items()],
        "mood_word_options": [(word, word.capitalize(), None) for word in vocab.MOOD_WORDS],
        "kind_labels": vocab.KIND_LABELS,
    }
