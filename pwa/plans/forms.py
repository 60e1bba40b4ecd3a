"""Choices for the goal forms."""

from pwa.plans import vocab


def goal_code_options() -> list[tuple[str, list[tuple[str, str]]]]:
    """Goal codes grouped by category, for a select with option groups."""
    names = {
        "diet": "Food and drink",
        "exercise": "Being active",
        "smoking": "Smoking",
        "alcohol": "Alcohol",
        "wellbeing": "Wellbeing",
        "weight": "Weight",
        "other": "Other",
    }
    return [
        (
            names[category],
            [(code, label) for code, label in vocab.GOAL_CODES.items() if vocab.goal_category(code) == category],
        )
        for category in vocab.CATEGORIES
    ]


def target_options() -> list[tuple[str, str]]:
    return [
        (kind, spec["label"].replace("{portions:g}", "5").replace("{minutes:g}", "30"))
        for kind, spec in vocab.TARGET_KINDS.items()
    ]
