"""Cursor pages over computed rows (a comparison, per-task earned value), keyed by task id.

The rows are figures computed by one statement, not a queryset DRF's CursorPagination could page. They are paged
the same way for the caller: rows in task-id order, an opaque `cursor` (the last task id of the page) in a `next`
URL, `page_size` up to 1000 (default 100); the statement itself takes `task_id > cursor LIMIT page_size + 1`. A
cursor this endpoint did not give is a 400 naming `cursor`, never a 500.
"""

from __future__ import annotations

import base64
import binascii

from rest_framework import serializers

from shots.api.filters import MAX_ID

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
CURSOR_PREFIX = "after:"


def encode_cursor(task_id: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{task_id}".encode()).decode().rstrip("=")


def decode_cursor(text: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    value = raw.removeprefix(CURSOR_PREFIX)
    if not raw.startswith(CURSOR_PREFIX) or not value.isascii() or not value.isdigit() or int(value) > MAX_ID:
        raise serializers.ValidationError({"cursor": ["Not a cursor this endpoint gave: follow the `next` link."]})
    return int(value)


class PagingFields(serializers.Serializer):
    """The query parameters of a page: mixed into an endpoint's query input serializer."""

    cursor = serializers.CharField(required=False, help_text="The `next` link's cursor (opaque).")
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, help_text=f"Rows per page (default {DEFAULT_PAGE_SIZE})."
    )

    def validate_cursor(self, value: str) -> int:
        try:
            return decode_cursor(value)
        except serializers.ValidationError as error:
            raise serializers.ValidationError(error.detail["cursor"]) from None


class PageLinksSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, null on the last one.")
    previous = serializers.URLField(allow_null=True, help_text="Always null: follow `next` from the first page.")


def task_briefs(task_ids) -> dict[int, dict]:
    """What a row shows of its task (shot, task type, department, sequence), for many tasks in one query."""
    from shots.models import Task

    rows = Task.objects.filter(pk__in=list(task_ids)).values_list(
        "pk", "shot__code", "task_type__name", "task_type__department__code", "shot__sequence__code"
    )
    return {
        pk: {"id": pk, "shot": shot, "task_type": task_type, "department": department, "sequence": sequence}
        for pk, shot, task_type, department, sequence in rows
    }


def resolve_scope(show, query: dict) -> tuple[int | None, int | None]:
    """(department id, sequence id) from the query's department and sequence codes; an unknown code is a 400
    naming the parameter (another show's sequence is as unknown as a missing one)."""
    from shots.models import Sequence
    from studio.models import Department

    department_id = sequence_id = None
    if query.get("department"):
        department_id = Department.objects.filter(code=query["department"]).values_list("pk", flat=True).first()
        if department_id is None:
            raise serializers.ValidationError({"department": [f"No department with code '{query['department']}'."]})
    if query.get("sequence"):
        sequence_id = Sequence.objects.filter(show=show, code=query["sequence"]).values_list("pk", flat=True).first()
        if sequence_id is None:
            raise serializers.ValidationError(
                {"sequence": [f"No sequence with code '{query['sequence']}' on {show.code}."]}
            )
    return department_id, sequence_id
