"""The caseload worklist: who needs what next, marking a client for follow-up, and (for managers)
giving clients to another trainer or trainee."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from sqlalchemy import func, update
from sqlmodel import select

from models import Client, SupportSession
from pwa import db
from pwa.caseload import vocab
from pwa.caseload.worklist_queries import Holder, caseload_holders, load_worklist
from pwa.clock import london_today, utcnow
from pwa.identity import Actor, current_actor
from pwa.policy import audit, can, client_for_staff, requires, visible_clients
from pwa.rendering import render

bp = Blueprint("caseload", __name__)

SEARCH_MAX = 60
# At most this many clients are listed at once (a manager's whole service can be thousands);
# the counts still cover everyone, and a search or a trainer filter narrows the list.
LIST_LIMIT = 300
NOTE_MAX = 200
# The worklist's own views besides the flags: current clients (the default) and finished ones.
VIEWS = {"finished"}
KEPT = ("q", "trainer", "show")  # what the worklist's address keeps across a form post


@bp.get("/caseload")
@requires("caseload.worklist")
def worklist():
    """My caseload (trainers and trainees) or every caseload of the service (managers)."""
    return _worklist_page(request.args)


def _worklist_page(args, errors: dict | None = None, values: dict | None = None) -> str:
    actor = current_actor()
    session = db.session()
    whole_service = can(actor, "caseload.reassign")
    holders = caseload_holders(session, actor.service_id) if whole_service else []
    q = " ".join(args.get("q", "").split())[:SEARCH_MAX]
    show = args.get("show", "")
    show = show if show in vocab.WORKLIST_FILTERS or show in VIEWS else ""
    trainer = args.get("trainer", "")
    trainer = trainer if trainer == "none" or trainer in {str(holder.id) for holder in holders} else ""

    query = visible_clients(actor)
    if trainer == "none":
        query = query.where(Client.trainer_id.is_(None))
    elif trainer:
        query = query.where(Client.trainer_id == int(trainer))
    if q:
        query = query.where(func.lower(Client.full_name).contains(q.lower(), autoescape=True))
    rows = load_worklist(session, query, london_today())

    current = [row for row in rows if not row.finished]
    if show in vocab.WORKLIST_FILTERS:
        shown = [row for row in rows if show in row.flags]
    elif show == "finished":
        shown = [row for row in rows if row.finished]
    else:
        # A search looks through everyone, finished or not; otherwise the list is who is being supported now.
        shown = rows if q else current
    return render(
        "caseload/worklist.html",
        block="worklist",
        rows=shown[:LIST_LIMIT],
        total=len(shown),
        counts={code: sum(code in row.flags for row in rows) for code in vocab.WORKLIST_FILTERS},
        current_count=len(current),
        finished_count=len(rows) - len(current),
        q=q,
        show=show,
        trainer=trainer,
        whole_service=whole_service,
        page_title="Caseloads" if whole_service else "My caseload",
        holders=holders,
        names={holder.id: holder.name for holder in holders},
        targets=[holder for holder in holders if holder.active],
        kept=_kept({"q": q, "trainer": trainer, "show": show}),
        record_path=_path_for("clients.show"),
        flag_path=_path_for("caseload.flag_client"),
        errors=errors or {},
        values=values or {},
        picked=set(values.getlist("client_id")) if values else set(),
        vocab=vocab,
    )


def _path_for(endpoint: str) -> str:
    """The endpoint's path for a client, with %d where the id goes: one url_for for a list of hundreds."""
    marker = 918273645
    return url_for(endpoint, client_id=marker).replace(str(marker), "%d")


def _kept(args) -> dict[str, str]:
    """The worklist's search and filter, to come back to the same list after a form post."""
    return {name: args.get(name) for name in KEPT if args.get(name)}


def _back_to_worklist(args):
    return redirect(url_for("caseload.worklist", **_kept(args)))


# --- Marking a client for follow-up ----------------------------------------------------------


@bp.post("/clients/<int:client_id>/flag")
@requires("client.edit")
def flag_client(client_id: int):
    """Mark a client for follow-up (with an optional short note), or clear the mark."""
    client = client_for_staff(client_id, audit_as=None)
    action = request.form.get("action")
    if action not in ("set", "clear"):
        abort(400)
    note = " ".join(request.form.get("note", "").split())
    if action == "set" and len(note) > NOTE_MAX:
        errors = {"note": f"Make the note shorter: {NOTE_MAX} letters at most (it has {len(note)})."}
        return render("caseload/flag.html", client=client, flag_errors=errors, flag_values={"note": note}), 422
    client.follow_up_flag = action == "set"
    client.follow_up_note = note if action == "set" else ""
    client.updated_at = utcnow()
    session = db.session()
    session.add(client)
    session.commit()
    audit("flag_client", client=client, detail=f"marked: {note}" if action == "set" else "cleared")
    if action == "set":
        flash(f"{client.full_name} is marked for follow-up.", "success")
    else:
        flash(f"The follow-up mark for {client.full_name} is cleared.", "success")
    if request.form.get("back") == "worklist":
        return _back_to_worklist(request.form)
    return redirect(url_for("clients.show", client_id=client.id))


# --- Giving clients to another trainer (managers) ----------------------------------------------


def _target(raw: str | None, holders: list[Holder]) -> Holder | None:
    """The trainer or trainee of this service chosen in the form, or None."""
    return next((holder for holder in holders if holder.active and str(holder.id) == (raw or "")), None)


def move_clients(clients: list[Client], to: Holder, actor: Actor, names: dict[int, str]) -> int:
    """Give the clients (and their planned sessions) to another trainer, with an audit row each,
    in one transaction. Returns how many moved (clients already with them are left alone)."""
    session = db.session()
    moved = 0
    for client in clients:
        before = client.trainer_id
        if before == to.id:
            continue
        client.trainer_id = to.id
        client.updated_at = utcnow()
        session.add(client)
        session.execute(
            update(SupportSession)
            .where(SupportSession.client_id == client.id, SupportSession.status == "planned")
            .values(trainer_id=to.id)
        )
        was = f"{names.get(before, 'someone else')} (person {before})" if before else "nobody"
        # Not committed yet: all the moves and their audit rows land together.
        audit("reassign_client", client=client, detail=f"From {was} to {to.name} (person {to.id})", commit=False)
        moved += 1
    session.commit()
    return moved


@bp.route("/clients/<int:client_id>/reassign", methods=["GET", "POST"])
@requires("caseload.reassign")
def reassign(client_id: int):
    """Give one client to another trainer or trainee of the service."""
    actor = current_actor()
    client = client_for_staff(client_id, audit_as="view_client" if request.method == "GET" else None)
    holders = caseload_holders(db.session(), actor.service_id)
    names = {holder.id: holder.name for holder in holders}
    targets = [holder for holder in holders if holder.active]
    if request.method == "GET":
        return _reassign_page(client, names, targets, {}, {})
    to = _target(request.form.get("to_trainer"), holders)
    errors = {}
    if to is None:
        errors["to_trainer"] = "Choose a health trainer or trainee of this service."
    elif to.id == client.trainer_id:
        errors["to_trainer"] = f"{to.name} already looks after {client.full_name}. Choose someone else."
    if errors:
        return _reassign_page(client, names, targets, request.form, errors), 422
    move_clients([client], to, actor, names)
    flash(f"{client.full_name} is now with {to.name}.", "success")
    return redirect(url_for("clients.show", client_id=client.id))


def _reassign_page(client: Client, names, targets, values, errors) -> str:
    return render(
        "caseload/reassign.html",
        client=client,
        trainer_name=names.get(client.trainer_id),
        options=[(str(holder.id), holder.label) for holder in targets if holder.id != client.trainer_id],
        values=values,
        errors=errors,
    )


@bp.post("/caseload/reassign")
@requires("caseload.reassign")
def bulk_reassign():
    """Give the ticked clients on the manager's worklist to another trainer, all in one go."""
    actor = current_actor()
    session = db.session()
    holders = caseload_holders(session, actor.service_id)
    raw_ids = request.form.getlist("client_id")
    if not all(raw.isdigit() for raw in raw_ids):
        abort(400)
    ids = sorted({int(raw) for raw in raw_ids})
    to = _target(request.form.get("to_trainer"), holders)
    errors = {}
    if not ids:
        errors["client_id"] = "Tick the clients to move."
    if to is None:
        errors["to_trainer"] = "Choose who will look after them: a health trainer or trainee of this service."
    if errors:
        return _worklist_page(request.form, errors=errors, values=request.form), 422
    clients = list(session.exec(select(Client).where(Client.id.in_(ids))).all())
    # Nothing moves if any ticked client is missing or belongs to another service.
    if len(clients) != len(ids) or any(client.service_id != actor.service_id for client in clients):
        abort(404)
    moved = move_clients(clients, to, actor, {holder.id: holder.name for holder in holders})
    flash(f"{moved} {'client' if moved == 1 else 'clients'} moved to {to.name}.", "success")
    return _back_to_worklist(request.form)
