"""The studio's plausible planning dates: 1 January 1970 to 31 December 2999, both included, one message."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.exceptions import ValidationError as ApiValidationError

from studio.dates import PlanningDateField, PlanningDateSerializerField, validate_planning_date

MESSAGE = "Give a date between 1970 and 2999."


@pytest.mark.parametrize("day", [dt.date(1970, 1, 1), dt.date(2026, 3, 2), dt.date(2999, 12, 31)])
def test_the_first_and_last_days_are_planning_dates(day):
    validate_planning_date(day)
    assert PlanningDateField().clean(day.isoformat()) == day
    field = PlanningDateSerializerField()
    assert field.run_validation(day.isoformat()) == day


@pytest.mark.parametrize("day", [dt.date.min, dt.date(1969, 12, 31), dt.date(3000, 1, 1), dt.date.max])
def test_days_outside_are_refused_with_one_message(day):
    with pytest.raises(ValidationError) as caught:
        validate_planning_date(day)
    assert (caught.value.messages, caught.value.code) == ([MESSAGE], "implausible_date")
    with pytest.raises(ValidationError) as caught:
        PlanningDateField(required=False).clean(day.isoformat())
    assert caught.value.messages == [MESSAGE]
    with pytest.raises(ApiValidationError) as caught:
        PlanningDateSerializerField().run_validation(day.isoformat())
    assert caught.value.detail == [MESSAGE]
