"""Input checks for the dailies pages. Forms check the shape of what was typed; dailies.services validates against
the data (who may review, which images, who is on the show's staff) and writes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from shots.my_day_forms import add_service_errors
from studio.models import Person

from .models import NoteCategory, StatusChange, Version
from .services import ATTACHMENT_MAX_COUNT, default_recipients, recipient_choices

IMAGE_TYPES = "image/png,image/jpeg,image/gif,image/webp"
# The hidden field the To / CC pickers come with: without it, a note goes to the default recipients.
EXPLICIT_RECIPIENTS = "explicit"


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": IMAGE_TYPES, "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, (list, tuple)):
            return [clean_one(item, initial) for item in data if item]
        return [clean_one(data, initial)] if data else []


class NoteForm(forms.Form):
    """A note on one version: its text, category, an optional status change, To / CC and images.

    `show` gives the people it may be addressed to (its staff, never its clients); pass `people` when the page
    already has them (a session page with a form per version reads them once). With `version`, an unbound form
    starts with the default recipients ticked.

    To and CC are used as ticked only when the pickers were on the page (the hidden `recipients` field rendered
    with them says so); a quick form with only the text leaves them to the defaults (the task's assignees, the
    department's supervisors). `service_kwargs()` gives what dailies.services.note_create takes.
    """

    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(choices=NoteCategory.choices, initial=NoteCategory.INTERNAL)
    status_change = forms.ChoiceField(choices=StatusChange.choices, required=False, label="Status change")
    to = forms.TypedMultipleChoiceField(coerce=int, required=False, label="To", widget=forms.CheckboxSelectMultiple)
    cc = forms.TypedMultipleChoiceField(coerce=int, required=False, label="CC", widget=forms.CheckboxSelectMultiple)
    recipients = forms.CharField(required=False, widget=forms.HiddenInput, initial=EXPLICIT_RECIPIENTS)
    attachments = MultipleFileField(
        required=False, help_text=f"Up to {ATTACHMENT_MAX_COUNT} images (PNG, JPEG, GIF, WebP), 10 MB each."
    )

    def __init__(self, *args, show, version: Version | None = None, people: list[Person] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is None:
            people = list(recipient_choices(show.pk).order_by("first_name", "last_name", "username"))
        self.people = {person.pk: person for person in people}
        choices = [(person.pk, str(person)) for person in people]
        self.fields["to"].choices = choices
        self.fields["cc"].choices = choices
        if version is not None and not self.is_bound:
            to, cc = default_recipients(version)
            self.initial.setdefault("to", [person.pk for person in to])
            self.initial.setdefault("cc", [person.pk for person in cc])

    @property
    def explicit_recipients(self) -> bool:
        return self.data.get(self.add_prefix("recipients")) == EXPLICIT_RECIPIENTS

    def _people(self, name: str) -> list[Person] | None:
        if not self.explicit_recipients:
            return None
        return [self.people[pk] for pk in self.cleaned_data.get(name) or []]

    def service_kwargs(self) -> dict:
        """The keyword arguments of note_create (all but actor, version and session)."""
        data = self.cleaned_data
        return {
            "body": data["body"],
            "category": data["category"],
            "status_change": data.get("status_change") or "",
            "to": self._people("to"),
            "cc": self._people("cc"),
            "attachments": data.get("attachments") or [],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """A service's ValidationError on the field it names, else at the top prefixed with the field's name."""
        add_service_errors(self, error)


class PublishNotesForm(forms.Form):
    """Which held client notes to publish: the ticked ones, one session's, or all of the show's.

    The submit button says which (`publish`: "selected", "session:<id>" or "all"); `note` are the ticked notes, among
    the held notes the page showed."""

    SELECTED, SESSION, ALL = "selected", "session", "all"

    publish = forms.CharField(error_messages={"required": "Choose what to publish."})
    note = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "Note %(value)s is no longer held: someone may have published it meanwhile."},
    )

    def __init__(self, *args, notes, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.notes = {note.pk: note for note in notes}
        self.session_ids = {session.pk for session in sessions}
        self.fields["note"].choices = [(pk, str(pk)) for pk in self.notes]

    def clean(self):
        data = super().clean()
        kind, _, session = (data.get("publish") or "").partition(":")
        if kind == self.SELECTED:
            if not data.get("note") and "note" not in self.errors:
                self.add_error("note", "Tick the notes to publish.")
            data["notes"] = [self.notes[pk] for pk in data.get("note") or []]
        elif kind == self.SESSION:
            if not (session.isascii() and session.isdigit() and int(session) in self.session_ids):
                self.add_error("publish", "That session has no held notes here.")
            else:
                data["session"] = int(session)
        elif kind != self.ALL and "publish" not in self.errors:
            self.add_error("publish", "Choose what to publish.")
        data["publish"] = kind
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)
