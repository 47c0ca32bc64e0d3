"""Input checks for the rate, expense and cost pages. The services validate again and write; these turn a POST or a
query into typed values with messages that name the field. Amounts are text fields read by services.parse_amount,
so "1234,50" and "1234.50" both work."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from shots.forms import NamedErrorsMixin
from studio.dates import PlanningDateField
from studio.models import Department, Person, Role, Seniority

from .models import ExpenseKind, PersonRateKind
from .services import MAX_DAY_RATE, MAX_FEE, parse_amount

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type="date"> reads


class AmountField(forms.CharField):
    def __init__(self, *, maximum=None, **kwargs):
        self.maximum = maximum
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            if self.maximum is not None:
                return parse_amount(value, "value", maximum=self.maximum)
            return parse_amount(value, "value")
        except ValidationError as error:
            raise ValidationError(error.message_dict["value"]) from None


def _currency(value: str) -> str:
    value = (value or "").strip().upper()
    if len(value) != 3 or not value.isalpha() or not value.isascii():
        raise ValidationError("Use a three-letter ISO 4217 code such as EUR or USD.")
    return value


class RateCardForm(NamedErrorsMixin, forms.Form):
    role = forms.ChoiceField(choices=[c for c in Role.choices if c[0] != Role.CLIENT])
    seniority = forms.ChoiceField(choices=Seniority.choices)
    day_rate = AmountField(label="Day rate", maximum=MAX_DAY_RATE)
    currency = forms.CharField(max_length=3, initial="EUR")
    effective_from = forms.DateField(label="From", widget=DATE)
    effective_to = forms.DateField(label="To (last day, optional)", widget=DATE, required=False)

    def clean_currency(self):
        return _currency(self.cleaned_data.get("currency"))


class RateCardUpdateForm(NamedErrorsMixin, forms.Form):
    day_rate = AmountField(label="Day rate", maximum=MAX_DAY_RATE)
    effective_from = forms.DateField(label="From", widget=DATE)
    effective_to = forms.DateField(label="To (last day, optional)", widget=DATE, required=False)


class PersonRateForm(NamedErrorsMixin, forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.filter(is_active=True).exclude(role=Role.CLIENT).select_related(None),
        error_messages={"invalid_choice": "Choose a person from the list."},
    )
    kind = forms.ChoiceField(choices=PersonRateKind.choices)
    day_rate = AmountField(label="Day rate", required=False, maximum=MAX_DAY_RATE)
    fixed_fee = AmountField(label="Fixed fee", required=False, maximum=MAX_FEE)
    currency = forms.CharField(max_length=3, initial="EUR")
    effective_from = forms.DateField(label="From", widget=DATE)
    effective_to = forms.DateField(label="To (last day, optional)", widget=DATE, required=False)

    def clean_currency(self):
        return _currency(self.cleaned_data.get("currency"))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == PersonRateKind.CONTRACT_FIXED and data.get("fixed_fee") is None and "fixed_fee" not in self.errors:
            self.add_error("fixed_fee", "A fixed-fee contract needs its fee.")
        if (
            kind
            and kind != PersonRateKind.CONTRACT_FIXED
            and data.get("day_rate") is None
            and "day_rate" not in self.errors
        ):
            self.add_error("day_rate", "Give the day rate.")
        return data


class ExpenseForm(NamedErrorsMixin, forms.Form):
    date = forms.DateField(widget=DATE)
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(), error_messages={"invalid_choice": "Choose a department from the list."}
    )
    supplier = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=ExpenseKind.choices, initial=ExpenseKind.OTHER)
    amount = AmountField()
    reference = forms.CharField(max_length=64, required=False, help_text="Invoice or PO number.")
    description = forms.CharField(max_length=255, required=False)
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Person (optional)",
        help_text="The person the invoice is from, if they are on the show.",
        error_messages={"invalid_choice": "Choose someone on this show."},
    )

    def __init__(self, *args, show=None, **kwargs):
        super().__init__(*args, **kwargs)
        if show is not None:
            self.fields["person"].queryset = (
                Person.objects.filter(memberships__show=show, is_freelancer=True)
                .select_related(None)
                .order_by("first_name", "last_name", "username")
            )


class ExpenseFilterForm(NamedErrorsMixin, forms.Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": "No such department."},
    )
    kind = forms.ChoiceField(choices=[("", "Any kind"), *ExpenseKind.choices], required=False)
    date_from = forms.DateField(label="From", required=False, widget=DATE)
    date_to = forms.DateField(label="To", required=False, widget=DATE)
    q = forms.CharField(label="Supplier, reference or description", required=False, max_length=100)


class ExpenseImportForm(NamedErrorsMixin, forms.Form):
    file = forms.FileField(label="CSV file", required=False)
    csv_text = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2 * 1024 * 1024, strip=False)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("csv_text") and not self.errors:
            self.add_error("file", "Choose a CSV file to import.")
        return data


class AsOfForm(NamedErrorsMixin, forms.Form):
    as_of = PlanningDateField(label="As of", required=False, widget=DATE)
    start = PlanningDateField(label="Labour from", required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("as_of") and data.get("start") and data["start"] > data["as_of"]:
            self.add_error("start", "The start must not be after the as-of date.")
        return data
