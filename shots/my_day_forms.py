"""Input checks for My tasks and the review queue. The services validate again and write; these only turn a POST
into typed values with messages that name the field."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from dailies.models import StatusChange
from schedules.services import HOURS_MESSAGE, MAX_HOURS_PER_DAY

from .workflow import TaskStatus


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=TaskStatus.choices)
    row_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class TimeLogForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        max_digits=4,
        decimal_places=2,
        error_messages={
            "invalid": "Give the hours as a number, like 2.5.",
            "max_decimal_places": "Give the hours to at most two decimal places, like 2.25.",
            "max_digits": HOURS_MESSAGE,
            "max_whole_digits": HOURS_MESSAGE,
        },
    )
    comment = forms.CharField(max_length=255, required=False)

    def clean_hours(self) -> Decimal:
        hours = self.cleaned_data["hours"]
        if not Decimal("0") < hours <= MAX_HOURS_PER_DAY:
            raise ValidationError(HOURS_MESSAGE)
        return hours


class VersionSubmitForm(forms.Form):
    studio_path = forms.CharField(max_length=500, required=False, strip=True)
    media = forms.FileField(required=False)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("studio_path") and data.get("media"):
            self.add_error("studio_path", "Give a studio path or upload a file, not both.")
        elif not data.get("studio_path") and not data.get("media") and "studio_path" not in self.errors:
            self.add_error("studio_path", "Give a studio path or upload a file.")
        return data


class VersionReviewForm(forms.Form):
    outcome = forms.ChoiceField(choices=[(StatusChange.APPROVE, "Approve"), (StatusChange.RETAKE, "Retake")])
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has it, else at the top,
    prefixed with the field's name so the message still says which one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        if name in form.fields:
            form.add_error(name, messages)
        elif name == "__all__":
            form.add_error(None, messages)
        else:
            form.add_error(None, [f"{name.replace('_', ' ').capitalize()}: {m}" for m in messages])


def error_lines(form: forms.Form | None) -> list[str]:
    """A form's errors as lines that each name their field ("Hours: ..."); form-wide ones as they are."""
    if form is None:
        return []
    lines = []
    for name, messages in form.errors.items():
        label = "" if name == "__all__" else f"{form.fields[name].label or name.replace('_', ' ').capitalize()}: "
        lines += [f"{label}{message}" for message in messages]
    return lines
