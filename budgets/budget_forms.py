"""Forms of the budget revision pages and the producer dashboard (input checks; the services decide the rest)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from studio.dates import PlanningDateField
from studio.models import Department

from .revisions import MAX_AMOUNT, MAX_DAYS


def error_lines(form: forms.Form) -> list[str]:
    """The form's errors, each line naming its field ("Days: ...")."""
    lines = []
    for name, messages in form.errors.items():
        label = "" if name == "__all__" else f"{form.fields[name].label if name in form.fields else name}: "
        lines += [f"{label}{message}" for message in messages]
    return lines


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the form: on the field it names, else at the top naming the field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        if name in form.fields:
            form.add_error(name, messages)
        else:
            form.add_error(None, messages)


class BudgetNameForm(forms.Form):
    name = forms.CharField(label="Name", max_length=60, strip=True)


class BudgetLineForm(forms.Form):
    days = forms.DecimalField(
        label="Days", min_value=Decimal(0), max_value=MAX_DAYS, decimal_places=2, max_digits=8, localize=False
    )
    amount = forms.DecimalField(
        label="Amount", min_value=Decimal(0), max_value=MAX_AMOUNT, decimal_places=2, max_digits=14, localize=False
    )


class BudgetLineCreateForm(BudgetLineForm):
    department = forms.ModelChoiceField(label="Department", queryset=Department.objects.none(), to_field_name="code")

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.order_fields(["department", "days", "amount"])


class AsOfForm(forms.Form):
    """?as_of=YYYY-MM-DD, 1970 to 2999 (the studio's rule, as in the API): the day the figures are as of (the end
    of it); today when absent."""

    as_of = PlanningDateField(label="As of", required=False, input_formats=["%Y-%m-%d"])
