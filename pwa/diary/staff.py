"""A trainer reads a client's diary (with the client's consent) and leaves short comments."""

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, request, url_for

from models import DiaryComment, DiaryEntry
from pwa import db
from pwa.clock import london_today
from pwa.diary import store
from pwa.diary.describe import entry_label
from pwa.diary.totals import week_start, week_summary
from pwa.diary.views import day_or_404
from pwa.identity import current_actor
from pwa.policy import audit, diary_for_staff, requires
from pwa.rendering import render

bp = Blueprint("client_diary", __name__, url_prefix="/clients/<int:client_id>/diary")

MAX_COMMENT = 500


@bp.get("/")
@requires("diary.read_client")
def week(client_id: int):
    """The client's week, day by day, with every entry: the trainer's review before a session."""
    client = diary_for_staff(client_id)
    monday = week_start(day_or_404(request.args.get("start"), london_today()))
    sunday = monday + timedelta(days=6)
    entries = store.entries_between(db.session(), client.id, monday, sunday)
    comments = store.comments_between(db.session(), client.id, monday, sunday)
    return render(
        "diary/staff_week.html",
        client=client,
        week=week_summary(monday, entries),
        entries=entries,
        comments=comments,
        previous=monday - timedelta(days=7),
        following=monday + timedelta(days=7) if sunday < london_today() else None,
        entry_label=entry_label,
        day_links={},
    )


@bp.post("/comments")
@requires("diary.read_client")
def comment(client_id: int):
    client = diary_for_staff(client_id)
    text = " ".join(request.form.get("text", "").split())
    try:
        day = date.fromisoformat(request.form.get("day", ""))
    except ValueError:
        abort(400)
    entry_id = request.form.get("entry_id", type=int)
    if entry_id:
        entry = db.session().get(DiaryEntry, entry_id)
        if entry is None or entry.client_id != client.id:
            abort(400)
        day = entry.day
    back = url_for("client_diary.week", client_id=client.id, start=week_start(day).isoformat())
    if not text or len(text) > MAX_COMMENT:
        flash(f"Write a comment of 1 to {MAX_COMMENT} letters.", "error")
        return redirect(back)
    db.session().add(
        DiaryComment(
            service_id=client.service_id,
            client_id=client.id,
            day=day,
            entry_id=entry_id or None,
            author_id=current_actor().person.id,
            text=text,
        )
    )
    db.session().commit()
    audit("comment_diary", client=client, detail=day.isoformat())
    flash("Comment saved. The client will see it in their diary.", "success")
    return redirect(back)
