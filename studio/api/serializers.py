"""Input and output serializers for studio records, and the relation fields every app's API uses.

Output serializers shape responses (codes as strings, Decimals as strings, aware ISO datetimes); input
serializers only check the shape of a request: the service validates and writes.
"""

import re
from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.settings import api_settings

from studio import permissions
from studio.models import Show, ShowStatus

_DIGITS = re.compile(r"[0-9]{1,19}\Z")


class InputSerializer(serializers.Serializer):
    """Base of every input serializer: a key the endpoint does not accept is an error naming it (a typo in a
    script must not pass silently as "nothing changed"), and a PATCH must change something.

    `control_fields` are required even in a PATCH and are not changes themselves (a task's row_version).
    """

    control_fields: frozenset[str] = frozenset()

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        errors = {name: ["This field is not accepted here."] for name in unknown}
        if self.partial and isinstance(data, Mapping):
            errors.update({name: ["This field is required."] for name in sorted(self.control_fields - set(data))})
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            # A validate() that raises with a message (not a dict) gives a list: it is a non-field error.
            detail = exc.detail if isinstance(exc.detail, Mapping) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
            raise serializers.ValidationError({**detail, **errors}) from exc
        if errors:
            raise serializers.ValidationError(errors)
        if self.partial and not set(value) - self.control_fields:
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: ["Send at least one field to change."]}
            )
        return value


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """An object's id: a whole number, as a JSON integer or a string of digits. DRF would hand 1.5 (or "1.5e0" in a
    form) to the lookup, which rounds it down and finds object 1."""

    default_error_messages = {"incorrect_type": "Give the id as a whole number."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not (isinstance(data, int) or (isinstance(data, str) and _DIGITS.match(data))):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class VisibleRelatedField(IdRelatedField):
    """An id that must name an object the requesting person can see; others read as "does not exist".

    Pass `queryset=Model.objects.none()`: it only tells the field (and the OpenAPI schema) the model.
    """

    def get_queryset(self):
        return permissions.visible(self.context["request"].user, self.queryset.model)


class VisibleSlugRelatedField(serializers.SlugRelatedField):
    """Like VisibleRelatedField, addressed by a unique slug such as a show code."""

    def get_queryset(self):
        return permissions.visible(self.context["request"].user, self.queryset.model)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class ShowOutputSerializer(serializers.Serializer):
    """A show's settings. `contract_value` is money: the key is present only for the show's producers and
    admins (permissions.can_see_money), never null-ed out for others."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=ShowStatus.choices)
    fps = serializers.DecimalField(max_digits=6, decimal_places=3)
    resolution_width = serializers.IntegerField()
    resolution_height = serializers.IntegerField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    currency = serializers.CharField()
    hours_per_day = serializers.DecimalField(max_digits=4, decimal_places=2)
    default_head_in = serializers.IntegerField()
    default_handles = serializers.IntegerField()
    is_series = serializers.BooleanField()
    contract_value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        required=False,
        help_text="Only for the show's producers and admins; the key is absent for everyone else.",
    )

    def to_representation(self, show: Show) -> dict:
        data = super().to_representation(show)
        if not permissions.can_see_money(self.context["request"].user, show):
            del data["contract_value"]
        return data


class ShowUpdateInputSerializer(InputSerializer):
    """Show settings (PATCH). The code is the show's address and is not changed here."""

    name = serializers.CharField(max_length=120)
    status = serializers.ChoiceField(choices=ShowStatus.choices)
    fps = serializers.DecimalField(max_digits=6, decimal_places=3)
    resolution_width = serializers.IntegerField(min_value=1)
    resolution_height = serializers.IntegerField(min_value=1)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    currency = serializers.CharField(max_length=3)
    hours_per_day = serializers.DecimalField(max_digits=4, decimal_places=2)
    contract_value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, min_value=0)
    default_head_in = serializers.IntegerField(min_value=0)
    default_handles = serializers.IntegerField(min_value=0, max_value=32767)
