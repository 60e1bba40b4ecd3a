"""Admin forms. Choices that depend on who is asking are filled in by the views."""

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from pwa.caseload.vocab import TRAINEE_MODES
from pwa.roles import ROLE_LABELS

SLUG_RULE = Regexp(
    r"^[a-z0-9]+(-[a-z0-9]+)*$", message="Use small letters, numbers and single dashes, like north-town."
)
USERNAME_RULE = Regexp(
    r"^[a-z0-9][a-z0-9._-]{1,58}[a-z0-9]$",
    message="Use 3 to 60 small letters, numbers, dots, dashes or underscores, like sam.jones.",
)


class WholeNumberField(IntegerField):
    """An integer field whose "not a number" message is plain English."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Type a whole number, like 250.") from error


class NumberField(DecimalField):
    """A decimal field whose "not a number" message is plain English."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Type a number, like 0.5.") from error


def lower_strip(value):
    return value.strip().lower() if isinstance(value, str) else value


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ServiceForm(FlaskForm):
    name = StringField("Service name", [DataRequired("Type the service's name."), Length(max=120)], filters=[strip])
    slug = StringField(
        "Short name for web addresses and commands",
        [DataRequired("Type a short name."), Length(max=60), SLUG_RULE],
        filters=[lower_strip],
        description="Small letters and dashes, like north-town. It cannot have spaces.",
    )
    area = StringField("Area it covers", [Optional(), Length(max=120)], filters=[strip])
    yearly_client_target = WholeNumberField(
        "Clients to register each year (target)",
        [
            InputRequired("Type a number. Use 0 if there is no target."),
            NumberRange(0, 100000, "Use a number from 0 to 100,000."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    target_wards = TextAreaField("Target wards", [Optional(), Length(max=5000)], description="One ward on each line.")
    target_ward_share = NumberField(
        "Share of clients wanted from target wards (%)",
        [InputRequired("Type a percent from 0 to 100."), NumberRange(0, 100, "Use a percent from 0 to 100.")],
        places=1,
        render_kw={"inputmode": "decimal"},
    )
    is_active = BooleanField("Service is open")
    # No description: the field macro shows none for a checkbox. Staff notes are never public.
    public_directory = BooleanField("Public directory: anyone may search it without logging in")
    trainee_mode = SelectField(
        "What trainee health trainers may do",
        choices=list(TRAINEE_MODES.items()),
        default="full",
        description="Supervised trainees record sessions, but a trainer registers clients, checks eligibility and "
        "finishes their plans.",
    )

    def ward_list(self) -> list[str]:
        """The wards typed, one per line, without blanks or repeats."""
        seen: list[str] = []
        for line in (self.target_wards.data or "").splitlines():
            ward = re.sub(r"\s+", " ", line).strip()
            if ward and ward not in seen:
                seen.append(ward)
        return seen


class PersonForm(FlaskForm):
    display_name = StringField("Name", [DataRequired("Type the person's name."), Length(max=120)], filters=[strip])
    username = StringField(
        "Username",
        [DataRequired("Choose a username."), USERNAME_RULE],
        filters=[lower_strip],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    email = StringField(
        "Email (if they have one)",
        [Optional(), Email("Type an email like name@example.org, or leave it empty."), Length(max=254)],
        filters=[lower_strip],
        render_kw={"type": "email", "autocapitalize": "none"},
    )


class GrantForm(FlaskForm):
    role = SelectField("Role", choices=[])
    service_id = SelectField("Service", choices=[], coerce=int)
    wte = NumberField(
        "Whole-time equivalent (staff only)",
        [Optional(), NumberRange(0.01, 1.5, "Use a number like 1 for full time or 0.5 for half time.")],
        places=2,
        description="1 is full time, 0.5 is half time. Leave empty for clients.",
        render_kw={"inputmode": "decimal"},
    )
    trainer_id = SelectField("Health trainer (clients only)", choices=[], coerce=int)

    def fill_choices(self, roles, services, trainers) -> None:
        self.role.choices = [(role.value, ROLE_LABELS[role]) for role in roles]
        self.service_id.choices = [(service.id, service.name) for service in services]
        self.trainer_id.choices = [(0, "No trainer yet")] + [(person.id, person.display_name) for person in trainers]

    def validate_wte(self, field):
        if self.role.data == "client" and field.data is not None:
            raise ValidationError("Clients do not have a whole-time equivalent. Leave this empty.")


class NewPersonForm(PersonForm, GrantForm):
    """A new account and its first role in one step."""
