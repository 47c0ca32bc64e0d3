"""Plausible dates: the studio plans and reports between 1 January 1970 and 31 December 2999.

A date a person types (a milestone, a holiday, a task's start or due date, a chart's window, an as-of day) far from
our time is a typo or a probe, and arithmetic on it near the calendar's ends (date.max + one day) raises
OverflowError. Every such input is checked with this one rule and refused with one message, on its field: the
model fields carry the validator (services call full_clean), the query parameters of pages and APIs use the fields
below. Code that draws or lists stored dates must still not step past date.max: rows older than this rule exist.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

FIRST_PLANNING_DATE = dt.date(1970, 1, 1)
LAST_PLANNING_DATE = dt.date(2999, 12, 31)
PLANNING_DATE_MESSAGE = "Give a date between 1970 and 2999."


def is_planning_date(day: dt.date) -> bool:
    return FIRST_PLANNING_DATE <= day <= LAST_PLANNING_DATE


def validate_planning_date(day: dt.date) -> None:
    """A validator for model, form and DRF fields (DRF turns Django's ValidationError into a 400 on the field)."""
    if not is_planning_date(day):
        raise ValidationError(PLANNING_DATE_MESSAGE, code="implausible_date")


class PlanningDateField(forms.DateField):
    """A form's date field that refuses dates outside 1970-2999."""

    default_validators = [validate_planning_date]


class PlanningDateSerializerField(serializers.DateField):
    """An API input's date (body or query parameter) that refuses dates outside 1970-2999."""

    default_validators = [validate_planning_date]
