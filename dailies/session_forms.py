"""Input checks for the review session pages. dailies.services validates again and writes; these only turn a request
into typed values, with messages that name the field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from shots.models import Sequence, TaskType
from studio import permissions
from studio.models import Department

from .forms import NoteForm
from .models import ReviewSession, SessionKind, StatusChange, Version

# The note an outcome key (A, R) or button writes when the note box is empty.
OUTCOME_BODIES = {StatusChange.APPROVE: "Approved.", StatusChange.RETAKE: "Retake."}


class IdListField(forms.Field):
    """Repeated ids (`?version=3&version=5`): a list of positive integers, in the order sent."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, noun: str, **kwargs):
        self.noun = noun
        super().__init__(**kwargs)

    def to_python(self, value) -> list[int]:
        if value in (None, "", [], ()):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = []
        for raw in values:
            text = str(raw).strip()
            if not (text.isascii() and text.isdigit()) or int(text) == 0 or len(text) > 18:
                raise ValidationError(f"{raw!r} is not the id of a {self.noun}.")
            ids.append(int(text))
        return ids


class SessionFilterForm(forms.Form):
    """Which pending-review versions to offer when a session is built: the show's department, sequence, task type.

    Each list is read once (one query each) and offered as plain choices; `filters()` gives the chosen objects."""

    department = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    sequence = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    task_type = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Task type")

    def __init__(self, *args, person, show, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {
            "department": {d.pk: d for d in permissions.visible(person, Department).order_by("order", "name")},
            "sequence": {
                s.pk: s for s in permissions.visible(person, Sequence).filter(show=show).order_by("order", "code")
            },
            "task_type": {t.pk: t for t in permissions.visible(person, TaskType).order_by("order", "name")},
        }
        for name, objects in self.options.items():
            labels = {"sequence": lambda s: s.code}.get(name, lambda o: o.name)
            self.fields[name].choices = [("", "All"), *((pk, labels(obj)) for pk, obj in objects.items())]

    def filters(self) -> dict:
        """The chosen filters as objects (an invalid one is left out: the page shows its error next to it)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        chosen = {name: self.cleaned_data.get(name) for name in self.fields}
        return {name: self.options[name][pk] for name, pk in chosen.items() if pk is not None}


class SessionForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    name = forms.CharField(
        max_length=ReviewSession._meta.get_field("name").max_length,
        required=False,
        help_text='Leave empty for "Dailies Wed 20 Nov" (or "Client review …").',
    )
    kind = forms.ChoiceField(choices=SessionKind.choices, initial=SessionKind.INTERNAL, widget=forms.RadioSelect)
    versions = forms.ModelMultipleChoiceField(
        queryset=Version.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None is fine: add versions by hand on the session page.",
        error_messages={"invalid_choice": "Version %(value)s is not a version of this show you can see."},
    )

    def __init__(self, *args, person, show, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["versions"].queryset = permissions.visible(person, Version).filter(task__shot__show=show)

    def clean(self):
        data = super().clean()
        if not data.get("name") and data.get("date"):
            prefix = "Client review" if data.get("kind") == SessionKind.CLIENT else "Dailies"
            data["name"] = f"{prefix} {data['date']:%a %d %b}"
        return data


class SessionNoteForm(NoteForm):
    """The session page's quick note: the text, its category and an outcome; recipients are the defaults (the
    task's assignees To, the department's supervisors CC). An outcome with an empty box writes "Approved." or
    "Retake." as the note, so the A and R keys need no typing."""

    # Set by the page's script when it sends a note again after a failure: the first attempt may have been saved.
    retry = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, show, **kwargs):
        # No To / CC pickers on this page: the people to offer are not needed (and not read).
        super().__init__(*args, show=show, people=[], **kwargs)
        self.fields["body"].required = False
        self.fields["status_change"].label = "Outcome"

    def clean(self):
        data = super().clean()
        data["status_change"] = data.get("status_change") or ""
        if not data.get("body") and "body" not in self.errors:
            if data["status_change"] in OUTCOME_BODIES:
                data["body"] = OUTCOME_BODIES[data["status_change"]]
            else:
                self.add_error("body", "Write the note.")
        return data


class ItemOrderForm(forms.Form):
    """The whole playlist in its new order (drag and drop)."""

    item = IdListField(noun="session item", required=True, error_messages={"required": "Send the items in order."})


class ItemMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1


class AddVersionsForm(forms.Form):
    version = IdListField(noun="version", required=True, error_messages={"required": "Choose a version to add."})


class VersionSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Shot or task type")
    pending = forms.BooleanField(required=False, initial=True, label="Pending review only")
