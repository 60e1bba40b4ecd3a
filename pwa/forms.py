"""Forms for accounts. Each field carries a plain-English label and error message."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    login = StringField(
        "Username or email",
        validators=[DataRequired("Type your username or email."), Length(max=254)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Type your password."), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me logged in on this phone")


class CodeForm(FlaskForm):
    code = StringField(
        "Your set-up code",
        validators=[DataRequired("Type the code your health trainer gave you."), Length(max=20)],
        description="It looks like ABCD-2345.",
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"},
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a password.")],
        description="At least 8 characters. Three random words are easy to remember and hard to guess.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Type the new password again",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", "The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChoosePasswordForm(CodeForm, NewPasswordForm):
    """Set-up: the code and the new password on one page, so one submit does it all."""


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Your password now",
        validators=[DataRequired("Type the password you use now.")],
        render_kw={"autocomplete": "current-password"},
    )
