import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.shots.factories import ShotFactory

pytestmark = pytest.mark.django_db


def test_shot_code_keeps_leading_zeros_and_frame_count():
    shot = ShotFactory(code="SQ010_SH0040", cut_in=1009, cut_out=1056)
    shot.refresh_from_db()
    assert shot.code == "SQ010_SH0040"
    assert shot.frame_count == 48


def test_database_refuses_cut_out_before_cut_in():
    shot = ShotFactory()
    shot.cut_out = shot.cut_in - 1
    with pytest.raises(ValidationError) as info:
        shot.full_clean()
    assert "Cut out must not be before cut in." in str(info.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        shot.save()
