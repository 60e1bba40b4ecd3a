"""Goal vocabulary (DOMAIN.md section 3) and the diary-measurable targets each goal may use."""

# Goal codes are category-direction-target; "other" is free text.
GOAL_CODES: dict[str, str] = {
    "diet-change": "Change what I eat",
    "diet-increase-fruit_veg": "Eat more fruit and veg",
    "diet-increase-healthy_snacks": "Eat more healthy snacks",
    "diet-increase-water": "Drink more water",
    "diet-reduce-fatty_food": "Eat less fatty food",
    "diet-reduce-fizzy_drinks": "Drink fewer fizzy drinks",
    "diet-reduce-fried_food": "Eat less fried food",
    "diet-reduce-portion_size": "Eat smaller portions",
    "diet-reduce-tea_coffee": "Drink less tea and coffee",
    "diet-reduce-unhealthy_snacks": "Eat fewer unhealthy snacks",
    "exercise-increase-light": "Do more light activity",
    "exercise-increase-moderate": "Do more moderate activity",
    "exercise-increase-vigorous": "Do more vigorous activity",
    "smoking-reduce": "Smoke less",
    "smoking-stop": "Stop smoking",
    "alcohol-reduce": "Drink less alcohol",
    "alcohol-drink_free_days": "Have more drink-free days",
    "wellbeing-improve-sleep": "Sleep better",
    "wellbeing-improve-stress": "Feel less stressed",
    "wellbeing-improve-mood": "Feel better in my mood",
    "wellbeing-improve-social_contact": "See people more",
    "weight-reduce": "Lose weight",
    "other": "Something else",
}

CATEGORIES = ["diet", "exercise", "smoking", "alcohol", "wellbeing", "weight", "other"]


def goal_category(code: str) -> str:
    """The goal type used in reports: the first part of the code."""
    return code.split("-", 1)[0]


# Measurable targets the diary can check. Each has: label, the number's meaning, its range,
# and whether the goal is met at or above the number ("at_least") or at or below it ("at_most").
TARGET_KINDS: dict[str, dict] = {
    "fruit_veg_days": {"label": "Days a week with {portions:g} or more portions of fruit and veg",
                       "direction": "at_least", "range": (1, 7), "extra": {"portions": (1, 20, 5)}},
    "active_minutes_week": {"label": "Active minutes a week (a vigorous minute counts as two)",
                            "direction": "at_least", "range": (10, 1500)},
    "active_days_week": {"label": "Days a week with {minutes:g} or more active minutes",
                         "direction": "at_least", "range": (1, 7), "extra": {"minutes": (5, 300, 30)}},
    "units_week": {"label": "Units of alcohol a week, at most", "direction": "at_most", "range": (0, 100)},
    "drink_free_days_week": {"label": "Drink-free days a week", "direction": "at_least", "range": (1, 7)},
    "cigarettes_day": {"label": "Cigarettes a day, at most", "direction": "at_most", "range": (0, 100)},
    "smoke_free_days_week": {"label": "Smoke-free days a week", "direction": "at_least", "range": (1, 7)},
    "logging_days_week": {"label": "Days a week with something in the diary", "direction": "at_least", "range": (1, 7)},
    "weight_by_date": {"label": "Weight in kg by the review date", "direction": "at_most", "range": (25, 350)},
    "check_in": {"label": "Weekly check-in: how did it go?", "direction": "at_least", "range": None},
}  # fmt: skip

# Which targets fit which goals. Goals the diary cannot measure use the weekly check-in.
TARGETS_FOR_GOAL: dict[str, list[str]] = {
    "diet-change": ["fruit_veg_days", "logging_days_week", "check_in"],
    "diet-increase-fruit_veg": ["fruit_veg_days", "check_in"],
    "exercise-increase-light": ["active_days_week", "check_in"],
    "exercise-increase-moderate": ["active_minutes_week", "active_days_week", "check_in"],
    "exercise-increase-vigorous": ["active_minutes_week", "active_days_week", "check_in"],
    "smoking-reduce": ["cigarettes_day", "smoke_free_days_week", "check_in"],
    "smoking-stop": ["smoke_free_days_week", "check_in"],
    "alcohol-reduce": ["units_week", "drink_free_days_week", "check_in"],
    "alcohol-drink_free_days": ["drink_free_days_week", "check_in"],
    "weight-reduce": ["weight_by_date", "check_in"],
}


def targets_for(code: str) -> list[str]:
    """Targets a goal may use; anything the diary cannot measure has only the check-in."""
    return TARGETS_FOR_GOAL.get(code, ["check_in"])


CHECK_IN_ANSWERS = {"yes": "Yes", "partly": "Partly", "no": "No"}
GOAL_OUTCOMES = {
    "achieved": "Achieved",
    "part_achieved": "Part achieved",
    "not_achieved": "Not achieved",
    "none_yet": "None yet",
}
MAINTAINED = {"yes": "Yes", "partly": "Partly", "no": "No", "not_contacted": "Not contacted"}
