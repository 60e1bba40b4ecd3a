"""The client's diary pages: Today, a past day, the week, and adding or changing entries."""

import re
import uuid
from datetime import date, time, timedelta

from flask import Blueprint, abort, flash, redirect, request, url_for

from models import Client, DiaryEntry, DiaryFavourite, Person
from pwa import db
from pwa.clock import london_today, to_london, utcnow
from pwa.diary import store, vocab
from pwa.diary.describe import entry_label
from pwa.diary.forms import one_tap_entry, raw_entries_from_one_tap, raw_entry_from_form
from pwa.diary.rules import DAYS_BACK, MAX_NOTE, check_entry, day_choices
from pwa.diary.totals import day_totals, week_start, week_summary
from pwa.identity import current_actor
from pwa.policy import audit, my_client_record, requires
from pwa.rendering import render

bp = Blueprint("diary", __name__)


def day_or_404(text: str | None, default: date | None = None) -> date:
    """A YYYY-MM-DD day from a URL, or `default` when there is none; a malformed day is "not found"."""
    if not text and default is not None:
        return default
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        abort(404)


def day_page(record: Client, day: date, template: str = "diary/day.html", **extra):
    """Entries, totals and comments for one day, with the week so far."""
    session = db.session()
    monday = week_start(day)
    week_entries = store.entries_between(session, record.id, monday, monday + timedelta(days=6))
    entries = [entry for entry in week_entries if entry.day == day]
    today = london_today()
    return render(
        template,
        record=record,
        day=day,
        today=today,
        is_today=day == today,
        editable=today - timedelta(days=DAYS_BACK) <= day <= today,
        entries=entries,
        totals=day_totals(day, entries),
        week=week_summary(monday, week_entries),
        comments=store.comments_between(session, record.id, day, day),
        quick=_quick_actions() if day == today else None,
        entry_label=entry_label,
        **extra,
    )


def _quick_actions() -> dict:
    """One-tap entries for Today: drink-free and smoke-free day."""
    return {
        "drink_free": one_tap_entry({"kind": "alcohol", "marker": "drink_free"}),
        "smoke_free": one_tap_entry({"kind": "smoking", "marker": "smoke_free"}),
    }


@bp.get("/today")
@requires("diary.own")
def today():
    record = my_client_record()
    trainer = db.session().get(Person, record.trainer_id) if record.trainer_id else None
    return day_page(record, london_today(), template="diary/today.html", trainer=trainer)


@bp.get("/diary/day/<day>")
@requires("diary.own")
def day(day: str):
    chosen = day_or_404(day, london_today())
    if chosen == london_today():
        return redirect(url_for("diary.today"))
    return day_page(my_client_record(), chosen)


@bp.get("/diary/week")
@requires("diary.own")
def week():
    record = my_client_record()
    today = london_today()
    monday = week_start(day_or_404(request.args.get("start"), today))
    entries = store.entries_between(db.session(), record.id, monday, monday + timedelta(days=6))
    return render(
        "diary/week.html",
        record=record,
        week=week_summary(monday, entries),
        today=today,
        previous=monday - timedelta(days=7),
        following=monday + timedelta(days=7) if monday + timedelta(days=7) <= today else None,
        day_links={
            monday + timedelta(days=offset): url_for("diary.day", day=(monday + timedelta(days=offset)).isoformat())
            for offset in range(7)
            if monday + timedelta(days=offset) <= today
        },
        comments=store.comments_between(db.session(), record.id, monday, monday + timedelta(days=6)),
    )


def _form_context(record: Client, kind: str, day: date, values: dict, errors: dict) -> dict:
    """What the entry form needs: the day list, and recents, favourites and presets to repeat."""
    session = db.session()
    today = london_today()
    context = {
        "kind": kind,
        "day": day,
        "days": day_choices(today),
        "values": values,
        "errors": errors,
        "recents": [],
        "favourites": [],
        "presets": [],
        "yesterday_meals": [],
        "one_tap": day == today,
        "day_url": _day_url(day),
    }
    if day != today:
        return context
    context["recents"] = [
        (entry_label(entry, with_time=False), one_tap_entry(store.repeat_values(entry)), entry.id)
        for entry in store.recent_items(session, record.id, kind)
    ]
    context["favourites"] = [
        (favourite, one_tap_entry(store.repeat_values(favourite.values)))
        for favourite in store.favourites(session, record.id, kind)
    ]
    if kind == "alcohol":
        context["presets"] = [
            (preset, one_tap_entry({"kind": "alcohol", "drink": code, "quantity": 1}))
            for code, preset in vocab.DRINK_PRESETS.items()
        ]
    if kind == "food":
        yesterday = store.entries_between(session, record.id, today - timedelta(days=1), today - timedelta(days=1))
        for meal, label in vocab.MEALS.items():
            eaten = [entry for entry in yesterday if entry.kind == "food" and entry.meal == meal]
            if eaten:
                entries = [one_tap_entry(store.repeat_values(entry)) for entry in eaten]
                context["yesterday_meals"].append(
                    (label, entries, "; ".join(entry_label(e, with_time=False) for e in eaten))
                )
    return context


@bp.route("/diary/add/<kind>", methods=["GET", "POST"])
@requires("diary.own")
def add(kind: str):
    """The full form for one kind. Works without JavaScript; with it, it also works offline."""
    if kind not in vocab.KINDS:
        abort(404)
    record = my_client_record()
    day = day_or_404(request.values.get("day"), london_today())
    values, errors = {"uuid": str(uuid.uuid4()), "day": day.isoformat()}, {}
    if request.method == "GET" and kind == "activity":
        values.update(_activity_prefill(request.args))
    if request.method == "POST":
        checked = check_entry(raw_entry_from_form(request.form, kind), now=utcnow())
        if checked.ok:
            result = store.save_new_entries(db.session(), record, [checked], current_actor().person.id)[0]
            return _after_save([result])
        values, errors = raw_entry_from_form(request.form, kind), checked.errors
    status = 422 if errors else 200
    return render("diary/add.html", record=record, **_form_context(record, kind, day, values, errors)), status


def _activity_prefill(args) -> dict:
    """Activity form values a link may suggest (the directory's "I went"); bad ones are left out."""
    values = {}
    if args.get("activity") in vocab.ACTIVITIES:
        values["activity"] = args["activity"]
    if args.get("intensity") in vocab.INTENSITIES:
        values["intensity"] = args["intensity"]
    minutes = args.get("minutes", "")
    if re.fullmatch(r"[0-9]{1,4}", minutes) and 1 <= int(minutes) <= 1440:
        values["minutes"] = str(int(minutes))
    note = " ".join(args.get("note", "").split())
    if note and len(note) <= MAX_NOTE:
        values["note"] = note
    clock = args.get("time", "")
    if re.fullmatch(r"[0-9]{2}:[0-9]{2}", clock):
        try:
            values["time"] = time.fromisoformat(clock).strftime("%H:%M")
        except ValueError:
            pass
    return values


def _after_save(results: list[store.SaveResult]):
    """Back to the day of the (first) entry, saying what happened."""
    if any(result.status == "conflict" for result in results):
        flash("Something different was already saved from this page. Check your diary below.", "error")
    elif all(result.status == "duplicate" for result in results):
        flash("This was already in your diary.", "info")
    else:
        flash("Saved.", "success")
    return redirect(_day_url(results[0].day))


@bp.post("/diary/add-many")
@requires("diary.own")
def add_many():
    """One-tap buttons: repeat a recent item or favourite, a preset drink, same meal as yesterday,
    drink-free or smoke-free day."""
    record = my_client_record()
    raw_entries = raw_entries_from_one_tap(request.form)
    checked = [check_entry(raw, now=utcnow()) for raw in raw_entries]
    if not checked or not all(item.ok for item in checked):
        flash("Sorry, that could not be saved. Please add it with the full form.", "error")
        return redirect(url_for("diary.today")), 303
    results = store.save_new_entries(db.session(), record, checked, current_actor().person.id)
    return _after_save(results)


def _own_entry(entry_id: int, *, include_deleted: bool = False) -> DiaryEntry:
    record = my_client_record()
    entry = db.session().get(DiaryEntry, entry_id)
    if entry is None or entry.client_id != record.id or (entry.deleted_at is not None and not include_deleted):
        abort(404)
    return entry


@bp.route("/diary/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@requires("diary.own")
def edit(entry_id: int):
    entry = _own_entry(entry_id)
    record = my_client_record()
    if not london_today() - timedelta(days=DAYS_BACK) <= entry.day:
        flash("Entries older than 14 days cannot be changed.", "error")
        return redirect(url_for("diary.day", day=entry.day))
    values = {
        **store.snapshot(entry),
        "uuid": entry.uuid,
        "time": to_london(entry.occurred_at).strftime("%H:%M"),
    }
    errors = {}
    if request.method == "POST":
        raw = raw_entry_from_form(request.form, entry.kind)
        raw["uuid"] = entry.uuid
        checked = check_entry(raw, now=utcnow())
        if checked.ok:
            store.edit_entry(db.session(), entry, checked, current_actor().person.id)
            flash("Changed.", "success")
            return redirect(_day_url(entry.day))
        values, errors = raw, checked.errors
    context = _form_context(record, entry.kind, entry.day, values, errors)
    context["one_tap"] = False
    return render("diary/edit.html", record=record, entry=entry, **context), 422 if errors else 200


def _day_url(day: date) -> str:
    return url_for("diary.today") if day == london_today() else url_for("diary.day", day=day)


@bp.post("/diary/entries/<int:entry_id>/delete")
@requires("diary.own")
def delete(entry_id: int):
    entry = _own_entry(entry_id)
    store.delete_entry(db.session(), entry, current_actor().person.id)
    flash(f"Deleted. You can bring it back from 'Deleted entries' for {store.RESTORE_DAYS} days.", "success")
    return redirect(_day_url(entry.day))


@bp.post("/diary/entries/<int:entry_id>/talk-about")
@requires("diary.own")
def talk_about(entry_id: int):
    """Mark an entry (talk_about=yes) or unmark it (no): "I want to talk about this at my next session"."""
    entry = _own_entry(entry_id)
    if not london_today() - timedelta(days=DAYS_BACK) <= entry.day:
        flash("Entries older than 14 days cannot be changed.", "error")
        return redirect(url_for("diary.day", day=entry.day))
    wanted = request.form.get("talk_about") == "yes"
    store.set_talk_about(db.session(), entry, wanted, current_actor().person.id)
    flash("Marked to talk about at your next session." if wanted else "Unmarked.", "success")
    return redirect(_day_url(entry.day))


@bp.get("/diary/deleted")
@requires("diary.own")
def deleted():
    record = my_client_record()
    entries = [entry for entry in store.recently_deleted(db.session(), record.id) if store.can_restore(entry)]
    return render("diary/deleted.html", entries=entries, entry_label=entry_label)


@bp.post("/diary/entries/<int:entry_id>/restore")
@requires("diary.own")
def restore(entry_id: int):
    entry = _own_entry(entry_id, include_deleted=True)
    if not store.can_restore(entry):
        abort(404)
    store.restore_entry(db.session(), entry, current_actor().person.id)
    flash("Brought back.", "success")
    return redirect(_day_url(entry.day))


@bp.post("/diary/entries/<int:entry_id>/favourite")
@requires("diary.own")
def favourite(entry_id: int):
    """Star an entry, so it is offered first next time."""
    entry = _own_entry(entry_id)
    values = store.repeat_values(entry)
    label = entry_label(entry, with_time=False)
    session = db.session()
    if not any(existing.label == label for existing in store.favourites(session, entry.client_id, entry.kind)):
        session.add(DiaryFavourite(client_id=entry.client_id, kind=entry.kind, label=label, values=values))
        session.commit()
    flash(f"Added to your favourites: {label}.", "success")
    return redirect(_day_url(entry.day))


@bp.post("/diary/favourites/<int:favourite_id>/remove")
@requires("diary.own")
def remove_favourite(favourite_id: int):
    record = my_client_record()
    session = db.session()
    found = session.get(DiaryFavourite, favourite_id)
    if found is None or found.client_id != record.id:
        abort(404)
    session.delete(found)
    session.commit()
    flash("Removed from your favourites.", "success")
    return redirect(url_for("diary.add", kind=found.kind))


@bp.route("/diary/sharing", methods=["GET", "POST"])
@requires("diary.own")
def sharing():
    """The client's choice: may their health trainer read the diary?"""
    record = my_client_record()
    if request.method == "POST":
        choice = request.form.get("shared")
        if choice not in ("yes", "no"):
            flash("Choose yes or no.", "error")
            return render("diary/sharing.html", record=record), 422
        record.diary_shared = choice == "yes"
        record.diary_shared_changed_at = utcnow()
        db.session().add(record)
        db.session().commit()
        audit("diary_sharing_on" if record.diary_shared else "diary_sharing_off", client=record)
        flash(
            "Saved. Your health trainer can now read your diary."
            if record.diary_shared
            else "Saved. Your diary is now private.",
            "success",
        )
        return redirect(url_for("diary.sharing"))
    return render("diary/sharing.html", record=record)
