"""Diary vocabularies (DOMAIN.md section 5): codes stored, labels and pictures shown."""

from dataclasses import dataclass

KINDS = ["food", "activity", "alcohol", "smoking", "mood", "weight"]
# Label and picture for each kind, for readers who find text hard.
KIND_LABELS = {
    "food": ("Food", "🍎"),
    "activity": ("Activity", "🚶"),
    "alcohol": ("Drinks", "🍺"),
    "smoking": ("Smoking", "🚬"),
    "mood": ("Mood", "🙂"),
    "weight": ("Weight", "⚖️"),
}

MEALS = {"breakfast": "Breakfast", "lunch": "Lunch", "dinner": "Dinner", "snack": "Snack", "drink": "Drink"}
FOOD_GROUPS = {
    "fruit_veg": "Fruit and veg",
    "starchy": "Bread, rice, potatoes, pasta",
    "protein": "Beans, fish, eggs, meat",
    "dairy": "Milk, cheese, yoghurt",
    "oils": "Oils and spreads",
    "high_fat_sugar_salt": "Crisps, sweets, cakes",
}
ACTIVITIES = {
    "walking": ("Walking", "🚶"),
    "cycling": ("Cycling", "🚲"),
    "swimming": ("Swimming", "🏊"),
    "gym": ("Gym", "🏋️"),
    "dancing": ("Dancing", "💃"),
    "gardening": ("Gardening", "🌱"),
    "housework": ("Housework", "🧹"),
    "sport": ("Sport", "⚽"),
    "class": ("Exercise class", "🤸"),
    "other": ("Other", "➕"),
}
INTENSITIES = {
    "light": "Light (easy to talk and sing)",
    "moderate": "Moderate (you can talk, but not sing)",
    "vigorous": "Vigorous (hard to say more than a few words)",
}
TOBACCO = {"cigarettes": "Cigarettes", "vapes": "Vapes", "other": "Other tobacco"}
MOODS = {1: ("Very low", "😢"), 2: ("Low", "🙁"), 3: ("OK", "😐"), 4: ("Good", "🙂"), 5: ("Very good", "😄")}
MOOD_WORDS = ["calm", "happy", "good", "tired", "stressed", "worried", "lonely", "angry", "sad", "in pain"]
MARKERS = {"drink_free": "Drink-free day", "smoke_free": "Smoke-free day"}


@dataclass(frozen=True)
class DrinkPreset:
    label: str
    volume_ml: float
    abv: float

    @property
    def units(self) -> float:
        return round(self.volume_ml * self.abv / 1000, 1)


# Common drinks with UK units (ml x ABV% / 1000), as DOMAIN.md lists them and a few more.
DRINK_PRESETS = {
    "beer_pint_4": DrinkPreset("Pint of beer or lager (4%)", 568, 4.0),
    "lager_pint_5": DrinkPreset("Pint of strong lager (5%)", 568, 5.0),
    "beer_can_4": DrinkPreset("Can of beer (440 ml, 4%)", 440, 4.0),
    "cider_can_4_5": DrinkPreset("Can of cider (440 ml, 4.5%)", 440, 4.5),
    "cider_pint_4_5": DrinkPreset("Pint of cider (4.5%)", 568, 4.5),
    "wine_175_12": DrinkPreset("Medium glass of wine (175 ml, 12%)", 175, 12.0),
    "wine_250_12": DrinkPreset("Large glass of wine (250 ml, 12%)", 250, 12.0),
    "wine_bottle_12": DrinkPreset("Bottle of wine (750 ml, 12%)", 750, 12.0),
    "spirit_25_40": DrinkPreset("Single spirit (25 ml, 40%)", 25, 40.0),
    "alcopop_275_5": DrinkPreset("Alcopop (275 ml, 5%)", 275, 5.0),
}
OTHER_DRINK = "other"

# UK guidelines used for progress (DOMAIN.md section 5).
FRUIT_VEG_A_DAY = 5
ACTIVE_MINUTES_A_WEEK = 150  # moderate; a vigorous minute counts as two
UNITS_A_WEEK = 14
