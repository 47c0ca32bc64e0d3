"""Forms of the baseline pages: what a planner types (a name) and what a reader filters by. They only check the
shape of the input; schedules.baselines validates and writes."""

from __future__ import annotations

from django import forms

from shots.models import Sequence
from studio.models import Department

from .baselines import NAME_MAX_LENGTH

CURRENT = "current"
MAX_PAGE = 10**6


class BaselineNameForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": "Give the baseline a name, like “Award plan”."},
    )


class BaselineFreezeForm(BaselineNameForm):
    name = forms.CharField(
        label="Freeze the current plan as…",
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": "Give the baseline a name, like “Award plan”."},
        help_text="Every task's bid, start and due date as they are now (omitted tasks are left out).",
    )
    activate = forms.BooleanField(label="Measure variance against it from now on", required=False, initial=True)


class _ScopeForm(forms.Form):
    """Department and sequence filters and a page number; every field optional."""

    department = forms.TypedChoiceField(label="Department", required=False, coerce=int, empty_value=None)
    sequence = forms.TypedChoiceField(label="Sequence", required=False, coerce=int, empty_value=None)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)

    def __init__(self, data=None, *, departments: list[Department], sequences: list[Sequence], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["department"].choices = [("", "All departments")] + [(d.pk, d.name) for d in departments]
        self.fields["sequence"].choices = [("", "All sequences")] + [(s.pk, s.code) for s in sequences]

    def scope(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"department_id": data.get("department"), "sequence_id": data.get("sequence")}

    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_valid() else None) or 1


class BaselineRowsFilterForm(_ScopeForm):
    pass


class CompareForm(_ScopeForm):
    """Two plans (a baseline's id, or "current" for the tasks' plan now) and the filters of the rows below."""

    a = forms.ChoiceField(label="Plan A")
    b = forms.ChoiceField(label="Plan B")
    slipped = forms.BooleanField(label="Slipped only", required=False)

    field_order = ["a", "b", "department", "sequence", "slipped", "page"]

    def __init__(self, data=None, *, baselines, **kwargs):
        super().__init__(data, **kwargs)
        choices = [(CURRENT, "Current plan")] + [
            (str(b.pk), f"{b.name}{' (active)' if b.is_active else ''}") for b in baselines
        ]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
