"""Open Referral UK services checked and turned into listing changes. Pure: run.py reads the file.

A document is one page of the API ({"content": [...]}), a plain list of services, or one
service. Each service is a listing; its regular_schedules (on the service and on its
service_at_locations) give weekly times; status "inactive" or "defunct" closes the listing.
Only the first location is kept (a listing has one place).
"""

from pwa.directory.importer.common import (
    MAX_EVERY_WEEKS,
    MAX_ID_LENGTH,
    Broken,
    FeedError,
    ListingChange,
    Plan,
    accessibility_from,
    as_list,
    categories_from,
    check_date_range,
    check_listing,
    check_position,
    check_postcode,
    check_times,
    check_weekdays,
    cost_from,
    join_address,
    language_name,
    long_text,
    pathway_from,
    prices_from,
    stamp,
    text_of,
    weekly_time,
)

STATUSES = {"active": "active", "inactive": "closed", "defunct": "closed", "temporarily closed": "paused"}


def services_in(document) -> list:
    """The services in an API answer: {"content": [...]}, a list, or one service."""
    if isinstance(document, dict) and isinstance(document.get("content"), list):
        return document["content"]
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and "id" in document and "name" in document:
        return [document]
    raise FeedError('This is not Open Referral UK: we need {"content": [services]}, a list of services, or a service.')


def _things(value) -> list[dict]:
    return [thing for thing in as_list(value) if isinstance(thing, dict)]


def _first(value) -> dict:
    found = _things(value)
    return found[0] if found else {}


def _schedule_times(schedule: dict, where: str) -> tuple[list[dict], list[str]]:
    """Weekly ListingTime values from one regular_schedule, or reasons."""
    reasons = []
    frequency = text_of(schedule.get("freq")).lower() or "weekly"
    if frequency != "weekly":
        reasons.append(f"{where}: it repeats {frequency!r}; we can only import weekly times.")
    interval = text_of(schedule.get("interval")) or "1"
    every = int(interval) if interval.isdigit() else 0
    if not 1 <= every <= MAX_EVERY_WEEKS:
        reasons.append(f"{where}: interval {interval!r} is not a number of weeks from 1 to {MAX_EVERY_WEEKS}.")
    days = [day.strip() for day in text_of(schedule.get("byday")).split(",") if day.strip()]
    weekdays, problems = check_weekdays(days, "byday", where)
    reasons += problems
    span, problems = check_times(schedule.get("opens_at"), schedule.get("closes_at"), where)
    starts = schedule.get("valid_from") or schedule.get("dtstart")
    first, last, more = check_date_range(starts, schedule.get("valid_to"), where)
    reasons += problems + more
    if every > 1 and first is None and not more:
        reasons.append(f"{where}: it runs every {every} weeks but has no valid_from, so we cannot tell which weeks.")
    if reasons:
        return [], reasons
    return [weekly_time(weekday, span, every, first, last) for weekday in dict.fromkeys(weekdays)], []


def _cost(service: dict) -> tuple[str, str, list[str]]:
    options = _things(service.get("cost_options"))
    prices, reasons = prices_from([option["amount"] for option in options if option.get("amount") not in (None, "")])
    free = "free" in text_of(service.get("fees")).lower() and not prices
    cost, price_text = cost_from(prices, free)
    return cost, price_text, reasons


def _contact(service: dict, location: dict) -> tuple[str, str]:
    """(name, phone) of the first contact, else the first phone anywhere."""
    contact = _first(service.get("contacts"))
    phones = _things(contact.get("phones")) + _things(service.get("phones")) + _things(location.get("phones"))
    return text_of(contact.get("name")), text_of(phones[0].get("number")) if phones else ""


def check_service(service) -> tuple[dict | None, list[dict], list[str]]:
    """One service as (listing values, weekly times) or (None, [], reasons)."""
    if not isinstance(service, dict):
        return None, [], ["it is not a JSON object."]
    reasons = []
    name, description = text_of(service.get("name")), long_text(service.get("description"))
    if not name:
        reasons.append("it has no name.")
    status_text = text_of(service.get("status")).lower() or "active"
    if status_text not in STATUSES:
        reasons.append(f"its status {status_text!r} is not active, inactive, defunct or temporarily closed.")
    at_locations = _things(service.get("service_at_locations"))
    location = next((found["location"] for found in at_locations if isinstance(found.get("location"), dict)), {})
    address = _first(location.get("physical_addresses"))
    postcode, problem = check_postcode(address.get("postal_code"))
    (latitude, longitude), where_problem = check_position(location.get("latitude"), location.get("longitude"))
    reasons += [reason for reason in (problem, where_problem) if reason]
    cost, price_text, problems = _cost(service)
    reasons += problems
    taxonomy = [text_of(_first(link.get("taxonomy")).get("name")) for link in _things(service.get("service_taxonomys"))]
    categories = categories_from([words for words in taxonomy if words], [name, description])
    access = [text_of(need.get("accessibility")) for need in _things(location.get("accessibility_for_disabilities"))]
    eligibility = [text_of(rule.get("eligibility")) for rule in _things(service.get("eligibilitys"))]
    application = long_text(service.get("application_process"))
    contact_name, contact_phone = _contact(service, location)
    values = {
        "name": name,
        "description": description,
        "categories": categories,
        "organisation": text_of(_first(service.get("organization")).get("name")),
        "venue": text_of(location.get("name")),
        "address": join_address(address.get("address_1"), address.get("address_2"), address.get("city")),
        "postcode": postcode,
        "latitude": latitude,
        "longitude": longitude,
        "cost": cost,
        "price_text": price_text,
        "eligibility": ", ".join(rule for rule in eligibility if rule),
        "accessibility": accessibility_from(access + eligibility),
        "languages": [language_name(link.get("language")) for link in _things(service.get("languages"))],
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "contact_email": text_of(service.get("email")),
        "website": text_of(service.get("url")),
        "how_to_go": application,
        "pathway": pathway_from([text_of(service.get("attending_access")), application, description]),
        "status": STATUSES.get(status_text, "active"),
    }
    values["languages"] = [language for language in values["languages"] if language]
    times = []
    schedules = _things(service.get("regular_schedules"))
    for at_location in at_locations:
        schedules += _things(at_location.get("regular_schedules"))
    for number, schedule in enumerate(schedules, start=1):
        found, problems = _schedule_times(schedule, f"regular_schedule {number}")
        times, reasons = times + found, reasons + problems
    reasons += check_listing(values)
    return (None, [], reasons) if reasons else (values, times, [])


def plan_from_document(document) -> Plan:
    """Check every service in an Open Referral UK document and plan the changes. A service that
    appears twice: the later one wins."""
    plan = Plan(source="openreferral")
    latest: dict[str, dict] = {}
    for number, service in enumerate(services_in(document), start=1):
        service_id = text_of(service.get("id")) if isinstance(service, dict) else ""
        if not service_id:
            plan.broken.append(Broken("service", f"(number {number})", ["it has no id."]))
        elif len(service_id) > MAX_ID_LENGTH:
            reason = f"its id is longer than {MAX_ID_LENGTH} characters."
            plan.broken.append(Broken("service", service_id[:40] + "...", [reason]))
        else:
            latest.pop(service_id, None)
            latest[service_id] = service
    for service_id, service in latest.items():
        values, times, reasons = check_service(service)
        if reasons:
            plan.broken.append(Broken("service", service_id, reasons))
        else:
            modified = stamp(service.get("last_modified") or service.get("assured_date"))
            plan.listings.append(ListingChange(service_id, modified, values, times))
    return plan
