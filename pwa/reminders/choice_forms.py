"""The reminder choices form: one field per ReminderChoice column, checked on the server.

Times are London wall-clock times typed as HH:MM (an <input type="time"> sends that). A
reminder set inside the client's quiet hours would never be sent, so it is refused with a
message next to the time, and nothing is saved until every field is right.
"""

from datetime import datetime, time

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import TimeInput

from models import ReminderChoice

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TIME_PROBLEM = "Type a time in hours and minutes, like 19:00."
DAY_PROBLEM = "Choose a day of the week."
SAME_TIMES = "Quiet hours cannot start and end at the same time. Change one of them."
IN_QUIET_HOURS = "This is in your quiet hours, so it would never be sent. Pick another time or change your quiet hours."
# The columns the form edits, in the order they appear on the page.
CHOICE_FIELDS = (
    "enabled",
    "diary_daily",
    "diary_time",
    "session_day_before",
    "session_hour_before",
    "goal_weekly",
    "goal_weekday",
    "goal_time",
    "trainer_messages",
    "quiet_hours",
    "quiet_start",
    "quiet_end",
)


def parse_clock_time(text: str) -> time | None:
    """ "19:00" (or "19:00:00", which some browsers send) as a time; None when it is not one."""
    text = (text or "").strip()
    for pattern in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).time().replace(second=0)
        except ValueError:
            continue
    return None


def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    """True when the time falls in quiet hours from start (included) to end (not included),
    which may run past midnight (21:00 to 08:00)."""
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


class ClockTimeField(Field):
    """An <input type="time"> read as a London wall-clock time, with a plain message when wrong."""

    widget = TimeInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = parse_clock_time(valuelist[0])
        if self.data is None:
            raise ValueError(TIME_PROBLEM)

    def pre_validate(self, form):
        if self.data is None and not self.process_errors:
            raise ValidationError(TIME_PROBLEM)


def weekday_number(value) -> int | None:
    """A posted weekday as 0 (Monday) to 6 (Sunday), or None when it is not one."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= 6 else None


class ReminderChoicesForm(FlaskForm):
    # No descriptions on the boxes: the field macro shows none for a checkbox (the page says it).
    enabled = BooleanField("Send me reminders")
    diary_daily = BooleanField("Remind me to fill in my diary every day")
    diary_time = ClockTimeField("Diary reminder time", description="Not sent on days you have already filled it in.")
    session_day_before = BooleanField("The day before a session with my health trainer (at 6 pm)")
    session_hour_before = BooleanField("An hour before a session")
    goal_weekly = BooleanField("Once a week, remind me to check in on my goals")
    goal_weekday = SelectField(
        "Goals reminder day",
        choices=[SelectChoice(number, day) for number, day in enumerate(WEEKDAYS)],
        coerce=weekday_number,
        validate_choice=False,
    )
    goal_time = ClockTimeField("Goals reminder time")
    trainer_messages = BooleanField("Tell me when my health trainer sends me a message")
    quiet_hours = BooleanField("Quiet hours: no reminders at night")
    quiet_start = ClockTimeField("Quiet from")
    quiet_end = ClockTimeField("Quiet until", description="Anything due in quiet hours waits until they end.")

    def validate_goal_weekday(self, field):
        if field.data is None:
            raise ValidationError(DAY_PROBLEM)

    def validate(self, extra_validators=None) -> bool:
        """Each field alone, then how they fit together: quiet hours against the two reminder times."""
        valid = super().validate(extra_validators)
        start, end = self.quiet_start.data, self.quiet_end.data
        if not self.quiet_hours.data or start is None or end is None:
            return valid
        if start == end:
            self.quiet_end.errors.append(SAME_TIMES)
            return False
        for switch, moment in ((self.diary_daily, self.diary_time), (self.goal_weekly, self.goal_time)):
            if switch.data and moment.data is not None and in_quiet_hours(moment.data, start, end):
                moment.errors.append(IN_QUIET_HOURS)
                valid = False
        return valid


def apply_choices(form: ReminderChoicesForm, choice: ReminderChoice) -> None:
    """Copy every checked field onto the client's row (only after the whole form is valid)."""
    for name in CHOICE_FIELDS:
        setattr(choice, name, form[name].data)
