"""The trainer's "send a message" form: their own words, or one of three quick messages."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

MAX_LENGTH = 300
# One tap sends one of these; they need no typing, so they work well on a phone.
QUICK_MESSAGES = ("Great week!", "Well done on reaching your goal!", "See you at our next session.")


def _strip(value: str | None) -> str:
    return (value or "").strip()


class MessageForm(FlaskForm):
    body = TextAreaField(
        "Your message",
        filters=[_strip],
        description=f'Up to {MAX_LENGTH} characters. Their phone only says "You have a new message", not your words.',
        render_kw={"rows": 4, "maxlength": MAX_LENGTH},
    )
    # Set by the quick message buttons (name="quick"); empty when "Send" was pressed.
    quick = StringField(filters=[_strip])

    def validate_quick(self, field):
        if field.data and field.data not in QUICK_MESSAGES:
            raise ValidationError("Choose one of the quick messages.")

    def validate_body(self, field):
        if self.quick.data:
            return  # a quick message: whatever is in the box is not sent
        if not field.data:
            raise ValidationError("Type a message, or tap one of the quick messages.")
        if len(field.data) > MAX_LENGTH:
            raise ValidationError(
                f"Make the message shorter: it can have up to {MAX_LENGTH} characters, "
                f"and this one has {len(field.data)}."
            )

    def text(self) -> str:
        """The message to send: the quick one tapped, or what was typed."""
        return self.quick.data or self.body.data
