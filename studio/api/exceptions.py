"""API errors: what a service raises becomes a clear response naming the field, never a 500.

- django ValidationError -> 400 {field: [messages]}; model-wide errors ("__all__") under "non_field_errors";
- shots.services.StaleWrite (a ValidationError) -> 409 {"row_version": [who changed it and when]};
- django PermissionDenied -> 403 with the service's message ("You cannot set this task to 'approved'.");
- Http404 -> 404 (DRF's own handler);
- a unique violation the database caught after validation passed (two people creating the same code at the
  same moment) -> 409, instead of a 500. Services whose checks can race name the field themselves
  (studio.services.unique_or_field_error): this is the last resort for a write no service guards.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from studio.services import UNIQUE_VIOLATION


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This change conflicts with the current state of the record; reload and try again."
    default_code = "conflict"


def _field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
        for name, messages in exc.message_dict.items()
    }


def exception_handler(exc, context):
    from shots.services import StaleWrite

    if isinstance(exc, StaleWrite):
        exc = Conflict(detail=_field_errors(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_field_errors(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, IntegrityError) and getattr(exc.__cause__, "pgcode", None) == UNIQUE_VIOLATION:
        exc = Conflict(detail={api_settings.NON_FIELD_ERRORS_KEY: ["A record with these values already exists."]})
    return drf_exception_handler(exc, context)
