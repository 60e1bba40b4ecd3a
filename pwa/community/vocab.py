"""Community engagement word lists: store the code, show the label (DOMAIN.md section 6)."""

from pwa.caseload import vocab as caseload_vocab

EVENT_TYPES = {
    "promotional_event": "Promotional event",
    "health_trainer_support_event": "Health trainer support event",
    "follow_up_event": "Follow-up event",
    "group_course_session": "Group course session",
    "talk": "Talk",
    "stall": "Stall",
    "health_walk": "Health walk",
    "drop_in": "Drop-in",
    "door_knocking": "Door knocking",
    "other": "Other",
}

# Lifestyle topics an event or course covered.
TOPICS = {
    "diet": "Healthy eating",
    "exercise": "Moving more",
    "smoking": "Smoking",
    "alcohol": "Alcohol",
    "emotional_wellbeing": "Feeling better (wellbeing)",
    "weight": "Weight",
    "money_debt": "Money and debt",
    "other": "Other",
}

# The counts every event keeps, in the order the stall shows them.
COUNTERS = {
    "reached": "People reached",
    "leaflets": "Leaflets given",
    "signposted": "People signposted",
    "interested": "Asked to be contacted",
    "registered": "Registered with us",
}

# Ethnicity groups for anonymous counts (the census 2001 top level; the full list is for clients).
ETHNICITY_GROUPS = {
    "white": "White",
    "mixed": "Mixed",
    "asian": "Asian or Asian British",
    "black": "Black or Black British",
    "chinese": "Chinese",
    "other": "Other",
    "not_stated": "Not stated",
}

# Anonymous breakdowns of the people reached: dimension -> (label, choices). Postcode districts
# are typed ("FE1"), so they have no fixed choices.
BREAKDOWNS = {
    "gender": ("Gender", {k: v for k, v in caseload_vocab.GENDER.items() if k != "not_recorded"}),
    "age_band": ("Age", {k: v for k, v in caseload_vocab.AGE_BANDS.items() if k not in ("not_recorded",)}),
    "ethnicity_group": ("Ethnic group", ETHNICITY_GROUPS),
    "postcode_district": ("Postcode area", {}),
}

STORY_KINDS = {"client": "A client's story", "worker": "A worker's or volunteer's story"}

TRAINING_THEMES = {
    "health_trainer_role": "Health trainer or champion role",
    "behaviour_change": "Behaviour change",
    "healthy_eating": "Healthy eating",
    "physical_activity": "Physical activity",
    "mental_health": "Mental health",
    "safeguarding": "Safeguarding",
    "first_aid": "First aid",
    "data_protection": "Data protection",
    "other": "Other",
}

# The volunteer path (role changes are records; the app's roles are in pwa/roles.py).
VOLUNTEER_STAGES = {
    "client": "Client",
    "volunteer": "Volunteer",
    "champion": "Health champion",
    "trainee": "Trainee health trainer",
    "trainer": "Health trainer",
    "left": "Left the service",
}
