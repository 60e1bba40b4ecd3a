"""Codes and plain labels for registration, assessment, sessions and exit (DOMAIN.md sections
3 and 4). Codes are stored and reported; labels are shown. Dicts keep the report order."""

from pwa.plans import vocab as plans_vocab

NOT_RECORDED = "not_recorded"

GENDER = {
    "female": "Female",
    "male": "Male",
    "other": "Other",
    "prefer_not_to_say": "Prefer not to say",
    "not_recorded": "Not recorded",
}

AGE_BANDS = {
    "declined": "Prefer not to say",
    "under_18": "Under 18",
    "18_25": "18 to 25",
    "26_35": "26 to 35",
    "36_45": "36 to 45",
    "46_55": "46 to 55",
    "56_65": "56 to 65",
    "over_65": "Over 65",
    "not_recorded": "Not recorded",
}

ETHNICITY = {
    "white_british": "White British",
    "white_irish": "White Irish",
    "white_other": "Any other White background",
    "mixed_white_black_caribbean": "Mixed: White and Black Caribbean",
    "mixed_white_black_african": "Mixed: White and Black African",
    "mixed_white_asian": "Mixed: White and Asian",
    "mixed_other": "Any other mixed background",
    "asian_indian": "Asian or Asian British: Indian",
    "asian_pakistani": "Asian or Asian British: Pakistani",
    "asian_bangladeshi": "Asian or Asian British: Bangladeshi",
    "asian_other": "Any other Asian background",
    "black_caribbean": "Black or Black British: Caribbean",
    "black_african": "Black or Black British: African",
    "black_other": "Any other Black background",
    "chinese": "Chinese",
    "other": "Any other ethnic group",
    "not_stated": "Prefer not to say",
    "not_recorded": "Not recorded",
}

DISABILITY = {
    "disabled": "Yes, disabled",
    "not_disabled": "No",
    "prefer_not_to_say": "Prefer not to say",
    "not_recorded": "Not recorded",
}

HOW_HEARD = {
    "activity": "At an activity",
    "at_work": "At work",
    "referred": "Referred by someone",
    "community_services": "Community services",
    "local_media": "Local paper, radio or TV",
    "other_care_services": "Other care services",
    "poster_leaflet": "Poster or leaflet",
    "promotional_event": "At an event or stall",
    "website": "Website",
    "word_of_mouth": "Word of mouth",
    "not_applicable": "Does not apply",
    "other": "Other",
    "not_recorded": "Not recorded",
}

# Local list: a service may add to it. Also the destination categories of signposting.
REFERRAL_SOURCE = {
    "advice_guidance": "Advice and guidance",
    "community_voluntary": "Community or voluntary group",
    "emotional_wellbeing": "Emotional wellbeing service",
    "gp_primary_care": "GP or primary care",
    "health_trainer_service": "Health trainer service",
    "hospital": "Hospital",
    "lifestyle_risk_management": "Lifestyle or risk management",
    "local_authority": "Local council",
    "other": "Other",
    "prison": "Prison",
    "probation": "Probation",
    "self": "Self-referral",
    "jobcentre_employment": "Jobcentre or employment",
    "housing": "Housing",
    "not_recorded": "Not recorded",
}

# Communities of interest (local list, several may apply).
COMMUNITIES = {
    "carers": "Carers",
    "faith_group": "Faith group",
    "lgbt": "LGBT+",
    "homeless": "Homeless or insecurely housed",
    "refugee_asylum": "Refugee or asylum seeker",
    "gypsy_traveller": "Gypsy, Roma or Traveller",
    "veterans": "Armed forces veteran",
    "learning_disability": "Learning disability",
    "mental_health": "Living with mental ill health",
    "offenders": "In contact with the justice system",
    "other": "Other",
}

EMPLOYMENT = {
    "employed": "Employed",
    "self_employed": "Self-employed",
    "unemployed": "Unemployed",
    "economically_inactive": "Not working and not looking",
    "student": "Student",
    "retired": "Retired",
    "not_disclosed": "Prefer not to say",
    "not_recorded": "Not recorded",
}

TIME_SINCE_PAID_WORK = {
    "under_6_months": "Under 6 months",
    "6_12_months": "6 to 12 months",
    "1_3_years": "1 to 3 years",
    "over_3_years": "Over 3 years",
    "never": "Never had paid work",
    "not_applicable": "Does not apply",
    "not_disclosed": "Prefer not to say",
    "not_recorded": "Not recorded",
}

GP_REGISTERED = {
    "yes": "Yes",
    "no": "No",
    "not_known": "Does not know",
    "not_recorded": "Not recorded",
}

QUINTILES = {
    "q1_most_deprived": "1 (most deprived)",
    "q2": "2",
    "q3": "3",
    "q4": "4",
    "q5_least_deprived": "5 (least deprived)",
    "unknown": "Unknown",
}

PRIMARY_ISSUE = {
    "diet": "Eating",
    "exercise": "Being active",
    "smoking": "Smoking",
    "alcohol": "Alcohol",
    "emotional_wellbeing": "Feeling well (emotional wellbeing)",
}

# Local list, several may apply. Social needs (money, housing, work) have a place here.
SECONDARY_NEEDS = {
    "weight": "Weight",
    "sleep": "Sleep",
    "stress": "Stress",
    "money_debt": "Money or debt",
    "housing": "Housing",
    "employment": "Work",
    "caring": "Caring for someone",
    "loneliness": "Loneliness",
    "other": "Other",
}

# Readiness to change, in plain words (stages of change).
READINESS = {
    "not_yet": "Not thinking about changing yet",
    "thinking": "Thinking about changing",
    "preparing": "Getting ready to change",
    "doing": "Already making changes",
    "keeping_going": "Keeping a change going",
}

MEASURE_METHOD = {"measured": "Measured", "self_reported": "Told us (self-reported)"}

# Instruments recorded as measures (DOMAIN.md sections 4 and 9), with plain labels and units.
INSTRUMENTS = {
    "height_cm": ("Height", "cm"),
    "weight_kg": ("Weight", "kg"),
    "bmi": ("BMI", ""),
    "who5_percent": ("Wellbeing (WHO-5)", "%"),
    "general_health": ("General health", "out of 100"),
    "self_efficacy": ("Confidence to change (self-efficacy)", "%"),
    "bp_systolic": ("Blood pressure, top number", "mmHg"),
    "bp_diastolic": ("Blood pressure, bottom number", "mmHg"),
    "cholesterol": ("Cholesterol", "mmol/L"),
    "waist_cm": ("Waist", "cm"),
    "ons4_satisfied": ("ONS4: life satisfaction", "out of 10"),
    "ons4_worthwhile": ("ONS4: things worthwhile", "out of 10"),
    "ons4_happy": ("ONS4: happy yesterday", "out of 10"),
    "ons4_anxious": ("ONS4: anxious yesterday", "out of 10"),
}

# Plausible values for each instrument (low, high), inclusive: anything outside is a typing slip.
MEASURE_RANGES = {
    "height_cm": (100, 250),
    "weight_kg": (25, 350),
    "who5_percent": (0, 100),
    "general_health": (0, 100),
    "self_efficacy": (0, 100),
    "bp_systolic": (70, 250),
    "bp_diastolic": (40, 150),
    "cholesterol": (1, 20),
    "waist_cm": (40, 200),
    "ons4_satisfied": (0, 10),
    "ons4_worthwhile": (0, 10),
    "ons4_happy": (0, 10),
    "ons4_anxious": (0, 10),
}

MEASURE_STAGES = {"baseline": "Start", "review": "Review", "exit": "End", "follow_up": "Follow-up"}

# The five WHO-5 statements: "Over the last two weeks..." each answered 0 (at no time) to 5.
WHO5_ITEMS = [
    "I have felt cheerful and in good spirits",
    "I have felt calm and relaxed",
    "I have felt active and full of energy",
    "I woke up feeling fresh and rested",
    "My daily life has been filled with things that interest me",
]
WHO5_ANSWERS = {
    5: "All of the time",
    4: "Most of the time",
    3: "More than half of the time",
    2: "Less than half of the time",
    1: "Some of the time",
    0: "At no time",
}

BMI_BANDS = {
    "under_20": "Under 20",
    "20_25": "20 to under 25",
    "25_30": "25 to under 30",
    "30_35": "30 to under 35",
    "35_40": "35 to under 40",
    "over_40": "40 and over",
}

SESSION_MODES = {"face_to_face": "Face to face", "phone": "Phone", "video": "Video call", "group": "Group"}

SESSION_STATUS = {
    "planned": "Planned",
    "attended": "Took place",
    "did_not_attend": "Client did not come",
    "cancelled": "Cancelled",
}

CONTACT_KINDS = {
    "text": "Text message",
    "call": "Phone call",
    "accompanied_visit": "Went with them to a class, group or the GP",
    "email": "Email",
    "letter": "Letter",
    "other": "Other",
}

SIGNPOST_KINDS = {"signpost": "Signposted", "referral": "Referred", "accompanied": "Went with them"}

SIGNPOST_RESULTS = {"attended": "Went", "not_attended": "Did not go", "unknown": "Do not know"}

BARRIERS = {
    "cost": "Cost",
    "times": "Times did not suit",
    "transport": "Transport",
    "confidence": "Confidence",
    "childcare": "Childcare",
    "other": "Other",
}

# The client's signposting status: stored choice, or "done" once a record exists.
SIGNPOSTING_STATUS = {"not_required": "Not needed", "not_yet_done": "Not done yet", "done": "Done"}

EXIT_REASONS = {
    "completed_plan": "Finished their plan",
    "goals_achieved_early": "Reached their goals early",
    "client_withdrew": "Client chose to stop",
    "lost_contact": "Lost contact",
    "moved_away": "Moved away",
    "referred_on_instead": "Referred to another service instead",
    "not_eligible": "Not eligible",
    "trainer_eased_off": "Trainer eased off",
    "other": "Other",
}

# Goal outcomes and "maintained" live with the goals.
GOAL_OUTCOMES = plans_vocab.GOAL_OUTCOMES
MAINTAINED = plans_vocab.MAINTAINED

FOLLOW_UP_STAGES = {"3_months": "3 months", "6_months": "6 months"}

# Journey states, in order (DOMAIN.md section 2), with what the trainer sees.
STATUS = {
    "registered": "Registered",
    "eligible": "Eligible, to assess",
    "not_eligible": "Not eligible",
    "assessed": "Assessed, plan to agree",
    "in_plan": "In plan",
    "paused": "Paused",
    "exited": "Finished",
}

TRAINEE_MODES = {
    "full": "Trainees work like trainers on their own caseload",
    "supervised": "Trainees record sessions; a trainer registers, checks eligibility and finishes",
}

# The worklist's filters (pwa/caseload/worklist_queries.py decides who is in each), in page order.
WORKLIST_FILTERS = {
    "due": "Session in the next 7 days",
    "overdue": "Session overdue",
    "no_diary": "No diary for 7 days",
    "no_progress": "No progress for 3 weeks",
    "awaiting_outcome": "Goals waiting for an outcome",
    "follow_up": "Follow-up due",
    "unsigned": "Consent not signed",
    "marked": "Marked for follow-up",
}

# What each audit action means, in plain words, for the client's audit log. Unknown codes show as they are.
AUDIT_ACTIONS = {
    "view_client": "Opened the record",
    "view_completeness_list": "Opened the list of missing details",
    "import_records": "Brought in records from an old system",
    "view_client_details": "Opened the client's details",
    "view_client_consent": "Opened the client's consent",
    "view_journey": "Opened the journey",
    "view_diary": "Read the diary",
    "view_digest": "Opened the pre-session digest",
    "view_plan": "Opened the health plan",
    "view_session": "Opened a session",
    "view_audit_log": "Read this log",
    "register_client": "Registered the client",
    "edit_client": "Changed the client's details",
    "change_consent": "Changed the client's consent",
    "make_account": "Made an app account",
    "issue_code": "Made a set-up code for the app",
    "check_eligibility": "Checked eligibility",
    "assess": "Recorded the assessment",
    "agree_plan": "Recorded the first-session agreement",
    "pause": "Paused support",
    "resume": "Started support again",
    "exit_client": "Finished support (exit)",
    "new_episode": "Started a new stretch of support",
    "record_follow_up": "Recorded a follow-up",
    "add_measures": "Recorded measures",
    "plan_session": "Planned a session",
    "record_session": "Recorded a session",
    "edit_session": "Changed a session",
    "record_contact": "Recorded a contact",
    "add_signpost": "Signposted or referred",
    "record_signpost_result": "Recorded what came of a signpost",
    "set_signposting_status": "Set the signposting status",
    "add_goal": "Added a goal",
    "refine_goal": "Changed a goal",
    "stop_goal": "Stopped a goal",
    "goal_outcome": "Recorded a goal outcome",
    "comment_diary": "Commented on the diary",
    "diary_sharing_on": "Let their trainer read the diary",
    "diary_sharing_off": "Stopped their trainer reading the diary",
    "flag_client": "Changed the follow-up mark",
    "reassign_client": "Gave the client to another trainer",
}
