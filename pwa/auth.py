"""Logging in and out, and choosing a password with a set-up or reset code."""

from flask import Blueprint, current_app, flash, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from pwa import accounts, db
from pwa.clock import utcnow
from pwa.extensions import login_manager
from pwa.forms import ChoosePasswordForm, LoginForm
from pwa.policy import public
from pwa.rendering import render

bp = Blueprint("auth", __name__)


@login_manager.unauthorized_handler
def ask_to_log_in():
    """Send people who are not logged in to the login page, then back where they were.

    For htmx requests, a redirect would swap the login page into part of the screen, so
    answer 401 and let htmx load the login page in full (HX-Redirect).
    """
    if request.path.startswith("/api/"):
        # The phone keeps its queue and sends it after the next login.
        return jsonify({"error": "Please log in again.", "status": 401}), 401
    target = url_for("auth.login", next=safe_next(request.full_path.rstrip("?")))
    if request.htmx:
        return Response("Please log in again.", status=401, headers={"HX-Redirect": target})
    if request.method == "GET":
        flash(login_manager.login_message, "info")
    return redirect(target)


def safe_next(target: str | None) -> str | None:
    """Only follow local paths after login, never another site (open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def start_session(person, remember: bool) -> None:
    """Log the person in on this device and pick their default role."""
    from pwa.identity import LoginUser

    session.pop("grant_id", None)
    login_user(LoginUser(person), remember=remember)
    person.last_login_at = utcnow()
    db.session().add(person)
    db.session().commit()


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        person = accounts.find_person_by_login(db.session(), form.login.data)
        if not accounts.check_password(db.session(), person, form.password.data):
            form.password.errors.append("That username or password is not right. Check them and try again.")
        elif person.is_disabled:
            form.login.errors.append("This account is turned off. Ask your service to turn it back on.")
        else:
            start_session(person, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    clear_caches = session.pop("clear_caches", False)
    return render("auth/login.html", form=form, clear_caches=clear_caches), 200 if not form.errors else 422


@bp.route("/logout", methods=["POST"])
@public
def logout():
    logout_user()
    session.clear()
    # The next page tells the service worker to drop its caches (never the unsent queue).
    session["clear_caches"] = True
    flash("You have logged out.", "success")
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.get("/setup/<code>")
@public
def setup_link(code: str):
    """The link staff hand over: the set-up page with the code already filled in."""
    return setup(code)


@bp.route("/setup", methods=["GET", "POST"])
@public
def setup(code: str | None = None):
    """Choose a password with the one-time code staff handed over (set-up or reset)."""
    form = ChoosePasswordForm()
    if code and not form.is_submitted():
        form.code.data = accounts.format_code(accounts.normalise_code(code))
    greeting = None
    if form.validate_on_submit():
        try:
            record, person = accounts.find_usable_code(db.session(), form.code.data, current_app.secret_key)
        except accounts.CodeProblem as problem:
            form.code.errors.append(str(problem))
        else:
            problems = accounts.password_problems(form.password.data, username=person.username, email=person.email)
            if problems:
                form.password.errors.extend(problems)
                greeting = person
            else:
                accounts.redeem_code(db.session(), record, person, form.password.data)
                db.session().commit()
                logout_user()
                start_session(person, remember=False)
                flash(f"Your password is saved. Your username is {person.username}.", "success")
                return redirect(url_for("home.index"))
    elif form.code.data:
        # Opening a link, or a form missing a field: greet the person, or say now why the code fails.
        try:
            _record, greeting = accounts.find_usable_code(db.session(), form.code.data, current_app.secret_key)
        except accounts.CodeProblem as problem:
            form.code.errors = [*form.code.errors, str(problem)]
    return render("auth/setup.html", form=form, greeting=greeting), 422 if form.errors else 200
