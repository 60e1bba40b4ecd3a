"""Directory word lists: store the code, show the label (DOMAIN.md section 6)."""

from datetime import timedelta

# Category code -> (label, signposting destination category, diary activity kind or None).
# The destination is a referral-source code (DOMAIN.md section 3) so reports count signposts
# by category; the diary kind lets "I went" offer to add the activity to the client's diary.
CATEGORY_DETAILS = {
    "walking_groups": ("Walking groups", "lifestyle_risk_management", "walking"),
    "exercise_classes": ("Exercise classes", "lifestyle_risk_management", "class"),
    "sport_swimming": ("Sport and swimming", "lifestyle_risk_management", "sport"),
    "dance": ("Dance", "lifestyle_risk_management", "dancing"),
    "cycling": ("Cycling", "lifestyle_risk_management", "cycling"),
    "gardening": ("Gardening and growing", "community_voluntary", "gardening"),
    "cooking_courses": ("Cooking and healthy eating", "lifestyle_risk_management", None),
    "weight_management": ("Weight management", "lifestyle_risk_management", None),
    "stop_smoking": ("Stop smoking", "lifestyle_risk_management", None),
    "alcohol_support": ("Alcohol and drug support", "lifestyle_risk_management", None),
    "mental_wellbeing": ("Mental wellbeing", "emotional_wellbeing", None),
    "befriending": ("Befriending and social groups", "community_voluntary", None),
    "volunteering": ("Volunteering", "community_voluntary", None),
    "carers": ("Help for carers", "community_voluntary", None),
    "food_bank": ("Food banks and food help", "community_voluntary", None),
    "debt_money": ("Debt and money advice", "advice_guidance", None),
    "housing": ("Housing help", "housing", None),
    "employment_training": ("Work, skills and training", "jobcentre_employment", None),
    "health_services": ("Health services", "gp_primary_care", None),
}
CATEGORIES = {code: details[0] for code, details in CATEGORY_DETAILS.items()}
CATEGORY_DESTINATION = {code: details[1] for code, details in CATEGORY_DETAILS.items()}
CATEGORY_DIARY_KIND = {code: details[2] for code, details in CATEGORY_DETAILS.items() if details[2]}

COSTS = {"free": "Free", "low_cost": "Low cost", "paid": "Paid"}

ACCESSIBILITY = {
    "step_free": "Step-free access",
    "accessible_toilet": "Accessible toilet",
    "hearing_loop": "Hearing loop",
    "bsl": "British Sign Language",
    "parking": "Parking",
    "near_bus": "Near a bus stop",
    "women_only": "Women only",
    "men_only": "Men only",
    "children_welcome": "Children welcome",
    "quiet": "Quiet and calm",
}

SCHEDULE_KINDS = {
    "weekly": "Every week (or some weeks)",
    "dates": "On set dates",
    "ask": "Ask for times (by appointment or open hours)",
}

PATHWAYS = {"signpost": "Anyone can go or get in touch", "referral": "Needs a referral"}

STATUSES = {"active": "Running", "paused": "Paused for now", "closed": "No longer runs"}

PROBLEM_KINDS = {
    "no_longer_runs": "It no longer runs",
    "would_not_accept_referral": "They would not accept a referral",
    "details_wrong": "The times, place or cost are wrong",
    "other": "Something else",
}

SOURCES = {"local": "Added by our service", "openactive": "OpenActive", "openreferral": "Open Referral UK"}

WEEKDAYS = {0: "Monday", 1: "Tuesday", 2: "Wednesday", 3: "Thursday", 4: "Friday", 5: "Saturday", 6: "Sunday"}

# Time of day -> (label, first hour, hour it ends before), by when the session starts.
TIMES_OF_DAY = {
    "morning": ("Morning (before 12)", 0, 12),
    "afternoon": ("Afternoon (12 to 5)", 12, 17),
    "evening": ("Evening (after 5)", 17, 24),
}

# Search distance choices, in miles.
DISTANCES = {"1": "Within 1 mile", "3": "Within 3 miles", "5": "Within 5 miles", "10": "Within 10 miles"}

SORTS = {"distance": "Nearest first", "next": "Soonest first"}

# A listing nobody has checked for this long is flagged for review.
REVIEW_EVERY = timedelta(days=365)
