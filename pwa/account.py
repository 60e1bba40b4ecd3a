"""The person's own account: details, password and which role they are acting in."""

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_login import login_user

from models import Client, Person
from pwa import accounts, db
from pwa.forms import ChangePasswordForm
from pwa.identity import LoginUser, current_actor
from pwa.policy import audit, requires
from pwa.rendering import render

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/")
@requires("account")
def show():
    return render("account/show.html")


@bp.route("/password", methods=["GET", "POST"])
@requires("account")
def change_password():
    person = current_actor().person
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not accounts.check_password(db.session(), person, form.current.data):
            form.current.errors.append("That is not your password now. Try again.")
        else:
            problems = accounts.password_problems(form.password.data, username=person.username, email=person.email)
            if problems:
                form.password.errors.extend(problems)
            else:
                accounts.set_password(person, form.password.data)
                db.session().add(person)
                db.session().commit()
                # The new session token logs out every other device; keep this one logged in.
                login_user(LoginUser(person), remember=request.cookies.get("ht_remember") is not None)
                flash("Your new password is saved. You are logged out on your other devices.", "success")
                return redirect(url_for("account.show"))
    return render("account/password.html", form=form), 422 if form.errors else 200


@bp.post("/role")
@requires("account")
def switch_role():
    """Act in another of the person's roles (for example trainer, then manager)."""
    actor = current_actor()
    wanted = request.form.get("grant_id", type=int)
    grant = next((grant for grant in actor.grants if grant.id == wanted), None)
    if grant is None:
        abort(400)
    session["grant_id"] = grant.id
    return redirect(url_for("home.index"))


def hand_over_code(person: Person, back: str, client: Client | None = None):
    """Issue a set-up code (no password yet) or a reset code, and show it once to the staff member.

    Only its hash is stored, so this page is the only place the code ever appears.
    """
    purpose = "reset" if person.password_hash else "setup"
    hours = current_app.config["SETUP_CODE_HOURS" if purpose == "setup" else "RESET_CODE_HOURS"]
    code = accounts.issue_code(
        db.session(),
        person,
        purpose=purpose,
        hours=hours,
        issued_by=current_actor().person,
        secret_key=current_app.secret_key,
    )
    db.session().commit()
    audit("issue_code", client=client, person=person, detail=purpose)
    link = url_for("auth.setup_link", code=accounts.normalise_code(code), _external=True)
    return render(
        "account/issued_code.html", code=code, link=link, person=person, hours=hours, purpose=purpose, back=back
    )
