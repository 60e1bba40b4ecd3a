"""The demo service's directory: made-up groups and services at the demo postcodes, so search,
signposting and the managers' flag list have something to show. Every listing goes through the
same checks as the form. All names, places and phone numbers are made up.
"""

from datetime import date, timedelta

from sqlmodel import Session, select

from models import Listing, ListingProblem, Person, Service
from pwa.clock import london_today
from pwa.directory.listing_rules import check_listing
from pwa.directory.listing_store import save_listing
from pwa.directory.places import find_place


def _weekly(weekday: int, starts: str, ends: str, **more: str) -> dict:
    return {"weekday": str(weekday), "starts_at": starts, "ends_at": ends, **more}


def _demo_listings(today: date) -> list[dict]:
    """The form fields of each demo listing, with "times" rows and a few extras (reviewed_days_ago,
    status, problem) applied after the checks."""
    this_wednesday = today + timedelta(days=2 - today.weekday())
    return [
        {"name": "Tuesday Morning Health Walk", "categories": ["walking_groups"], "cost": "free",
         "organisation": "Ferncombe Walkers", "venue": "Ferncombe Park main gates", "address": "Park Road, Ferncombe",
         "postcode": "FE1 6FR", "description": "A gentle hour's walk round the park, then tea at the café.",
         "how_to_go": "Just turn up. Wear comfy shoes.", "accessibility": ["near_bus"],
         "contact_name": "Dee (walk leader)", "contact_phone": "01632 960001",
         "staff_notes": "Dee is happy to meet new walkers at the gate at 9:50.",
         "times": [_weekly(1, "10:00", "11:00")]},
        {"name": "Gentle Chair Exercise", "categories": ["exercise_classes"], "cost": "low_cost",
         "price_text": "£2 a session", "venue": "Millbrook Community Centre", "postcode": "FE1 2XS",
         "description": "Seated exercise to music for all abilities.",
         "accessibility": ["step_free", "accessible_toilet"],
         "how_to_go": "Turn up ten minutes early for your first class.",
         "times": [_weekly(0, "14:00", "15:00"), _weekly(3, "14:00", "15:00")]},
        {"name": "Ferncombe Food Bank", "categories": ["food_bank"], "cost": "free",
         "organisation": "Ferncombe Churches Together", "venue": "St Mark's Hall", "postcode": "FE3 8XS",
         "description": "Three days of food for you and your family.", "how_to_go": "Bring a food bank voucher.",
         "eligibility": "Anyone in need. Vouchers from Citizens Advice, your GP or your health trainer.",
         "accessibility": ["step_free"], "contact_phone": "01632 960002",
         "times": [_weekly(2, "10:00", "12:00"), _weekly(4, "13:00", "15:00")]},
        {"name": "Money Matters Debt Advice", "categories": ["debt_money"], "cost": "free", "pathway": "referral",
         "organisation": "Ferncombe Advice Centre", "venue": "Ferncombe Advice Centre", "postcode": "FE1 1DX",
         "description": "Free, private help with debts, bills and benefits.",
         "how_to_go": "Your health trainer or GP refers you. They will phone you within a week.",
         "contact_email": "advice@example.org", "website": "https://example.org/money-matters",
         "times": [_weekly(3, "09:30", "12:30")]},
        {"name": "Cuppa and Chat", "categories": ["befriending", "mental_wellbeing"], "cost": "free",
         "venue": "Otter Vale Library", "postcode": "FE2 9EY",
         "description": "A friendly group for a cup of tea and a chat. New faces always welcome.",
         "accessibility": ["step_free", "hearing_loop", "quiet"], "how_to_go": "Just turn up.",
         "times": [_weekly(4, "14:00", "16:00")]},
        {"name": "Quit Together Stop Smoking Clinic", "categories": ["stop_smoking"], "cost": "free",
         "schedule_kind": "ask", "schedule_note": "By appointment, Monday to Friday, 9 to 5.",
         "venue": "Ferncombe Health Centre", "postcode": "FE1 1WH", "contact_phone": "01632 960003",
         "description": "Support and stop smoking medicines, one to one.", "languages": "Polish, Urdu",
         "how_to_go": "Phone to book, or ask your health trainer to refer you.", "times": []},
        {"name": "Cook and Eat Well", "categories": ["cooking_courses", "weight_management"], "cost": "low_cost",
         "price_text": "£1 a session, ingredients included", "venue": "Otter Vale Community Kitchen",
         "postcode": "FE2 2YY", "description": "Learn to cook cheap, healthy meals, then eat together.",
         "schedule_note": "Every other Wednesday.", "how_to_go": "Book a place by phone.",
         "contact_phone": "01632 960004",
         "times": [_weekly(2, "18:00", "20:00", weeks_on="1", weeks_off="1", from_date=this_wednesday.isoformat())]},
        {"name": "Health fair", "categories": ["health_services"], "cost": "free", "schedule_kind": "dates",
         "venue": "Harbourside Sports Hall", "postcode": "FE3 4GJ",
         "description": "Free blood pressure checks, stalls and taster sessions from local groups.",
         "accessibility": ["step_free", "parking", "children_welcome"], "how_to_go": "Drop in any time.",
         "times": [{"on_date": (today + timedelta(days=14)).isoformat(), "starts_at": "10:00", "ends_at": "15:00"}]},
        {"name": "Women's Swim Session", "categories": ["sport_swimming"], "cost": "low_cost",
         "price_text": "£3.50 a swim", "venue": "Kingsleigh Leisure Pool", "postcode": "FE4 8NZ",
         "description": "A relaxed swim with female lifeguards.", "accessibility": ["women_only", "step_free"],
         "how_to_go": "Pay at the desk.", "times": [_weekly(6, "18:00", "19:00")]},
        {"name": "Millbrook Community Garden", "categories": ["gardening", "volunteering"], "cost": "free",
         "venue": "Millbrook Allotments", "postcode": "FE1 4YB",
         "description": "Grow vegetables together. No experience needed; tools provided.",
         "how_to_go": "Just turn up in old clothes.", "times": [_weekly(5, "10:00", "13:00")],
         "reviewed_days_ago": 425},
        {"name": "Harbourside Walking Football", "categories": ["sport_swimming"], "cost": "low_cost",
         "price_text": "£2 a game", "venue": "Harbourside Sports Hall", "postcode": "FE3 2YN",
         "description": "Football at walking pace, for men and women over 50.", "eligibility": "Over 50s",
         "how_to_go": "Just turn up in trainers.", "times": [_weekly(3, "18:00", "19:00")],
         "problem": ("no_longer_runs", "The hall told me the group stopped last month.")},
        {"name": "Otter Vale Men's Shed", "categories": ["befriending", "volunteering"], "cost": "free",
         "venue": "Otter Vale Yard", "postcode": "FE2 5XG", "accessibility": ["men_only"],
         "description": "Woodwork, repairs and a chat.", "times": [_weekly(2, "10:00", "13:00")],
         "status": "closed"},
    ]  # fmt: skip


def _raw(listing: dict) -> dict:
    """The demo listing as the form would send it."""
    raw = {"schedule_kind": "weekly", "pathway": "signpost", "status": "active", **listing}
    for name in ("times", "reviewed_days_ago", "problem"):
        raw.pop(name, None)
    return raw


def load_demo_directory(session: Session, service: Service, people: dict[str, Person]) -> int:
    """Add the demo listings the service does not have yet (by name) and turn on its public
    directory. Load the postcode lookup first: positions come from it. Returns how many were added."""
    service.public_directory = True
    session.add(service)
    today = london_today()
    have = set(session.exec(select(Listing.name).where(Listing.service_id == service.id)).all())
    champion, trainer = people.get("demo-champion"), people.get("demo-trainer")
    added = 0
    for demo in _demo_listings(today):
        if demo["name"] in have:
            continue
        checked = check_listing(
            _raw(demo),
            demo["times"],
            today=today,
            known_postcode=lambda postcode: find_place(session, postcode) is not None,
        )
        if not checked.ok:
            raise ValueError(f"Demo listing {demo['name']!r} does not pass the checks: {checked.errors}")
        values = dict(checked.values)
        times = values.pop("times")
        values["last_reviewed_on"] = today - timedelta(days=demo.get("reviewed_days_ago", 30))
        listing = Listing(service_id=service.id, name=values["name"], source="local")
        save_listing(session, listing, values, times, champion.id if champion else None, commit=False)
        if "problem" in demo:
            kind, note = demo["problem"]
            session.add(
                ListingProblem(
                    service_id=service.id,
                    listing_id=listing.id,
                    kind=kind,
                    note=note,
                    reported_by_id=trainer.id if trainer else None,
                    reported_on=today - timedelta(days=3),
                )
            )
        added += 1
    session.flush()
    return added
