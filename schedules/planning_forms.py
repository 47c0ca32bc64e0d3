"""Input for the planning pages: milestones, holidays, status weights, days off and part time.

The forms check types (dates are dates) and say which field is wrong; schedules.planning decides what is allowed,
checks ranges and overlaps, and writes. A ValidationError from a service is put back on the form's fields
(`add_service_errors`, shared with the breakdown forms).
"""

from __future__ import annotations

from django import forms

from shots.breakdown_forms import BreakdownForm
from studio.models import Department, Person

from .models import DayOffKind
from .planning import WEIGHTED_STATUSES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, help_text=help_text)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return str(obj)


class MilestoneForm(BreakdownForm):
    name = forms.CharField(label="Name", max_length=120)
    date = _date_field("Date")
    department = forms.ModelChoiceField(
        label="Department",
        queryset=Department.objects.none(),
        required=False,
        empty_label="Whole show",
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def changes(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "date": data["date"], "department": data["department"]}


class HolidayForm(BreakdownForm):
    date = _date_field("Date")
    name = forms.CharField(label="Name", max_length=120, required=False)


class StatusWeightsForm(BreakdownForm):
    """One field per weighted status, named by the status (the service's errors name it too)."""

    def __init__(self, *args, table: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for row in table:
            self.fields[row["status"]] = forms.CharField(
                label=row["label"],
                max_length=12,
                initial=f"{row['weight'].normalize():f}",
                help_text=f"Default {row['default'].normalize():f}",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
            )

    def weights(self) -> dict[str, str]:
        return {status: self.cleaned_data[status] for status in WEIGHTED_STATUSES if status in self.cleaned_data}


class DayOffForm(BreakdownForm):
    """Days off; `people` given (planners): whose; else the person's own."""

    person = PersonChoiceField(label="Person", queryset=Person.objects.none())
    start_date = _date_field("First day off")
    end_date = _date_field("Last day off", required=False, help_text="Leave empty for a single day.")
    kind = forms.ChoiceField(label="Kind", choices=DayOffKind.choices, initial=DayOffKind.VACATION)
    note = forms.CharField(label="Note", max_length=255, required=False)

    def __init__(self, *args, people=None, **kwargs):
        if people is not None:
            kwargs.setdefault("auto_id", "day-off-%s")  # beside the part-time form on one page: ids of its own
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person"]
        else:
            self.fields["person"].queryset = people

    def clean(self):
        data = super().clean()
        if data.get("start_date") and not data.get("end_date") and "end_date" not in self.errors:
            data["end_date"] = data["start_date"]
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("start_date", "end_date", "kind", "note")}


class PartTimeForm(BreakdownForm):
    person = PersonChoiceField(label="Person", queryset=Person.objects.none())
    fraction = forms.CharField(
        label="Share of a day",
        max_length=12,
        help_text="0.6 = three days' work a week; 1 = full time.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
    )
    effective_from = _date_field("From")
    effective_to = _date_field("To", required=False, help_text="Leave empty: until further notice.")

    def __init__(self, *args, people, **kwargs):
        kwargs.setdefault("auto_id", "part-time-%s")
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def values(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("person", "fraction", "effective_from", "effective_to")}
