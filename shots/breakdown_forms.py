"""Input for the breakdown pages: sequences, shots and the show's task template.

The forms check types and ranges and say which field is wrong; the services (shots/services.py) decide what is
allowed and write. A ValidationError from a service is put back on the form with `add_service_errors`.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q

from studio.models import Show, code_validator

from .models import BreakdownStatus, Sequence, Shot, TaskTemplateItem, TaskType

# Frame numbers are stored as 32-bit integers; these bounds keep any arithmetic on them far inside that range.
MIN_FRAME = -999_999
MAX_FRAME = 9_999_999
MAX_HANDLES = 10_000
MAX_FRAME_COUNT = 1_000_000
# Statuses the edit form offers. Omitting has its own button: it also omits the shot's tasks (shots.services).
EDITABLE_STATUSES = [(value, label) for value, label in BreakdownStatus.choices if value != BreakdownStatus.OMITTED]


class BreakdownForm(forms.Form):
    """A form that can take the errors a service raised, on the fields they name."""

    # service error key -> form field, where the form asks for the value in another shape
    service_field_names: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            field = self.service_field_names.get(name, name)
            if field in self.fields:
                self.add_error(field, messages)
            elif name == NON_FIELD_ERRORS:
                self.add_error(None, messages)
            else:
                self.add_error(None, [f"{name.replace('_', ' ').capitalize()}: {message}" for message in messages])

    @property
    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, field label, message) for each error, form-wide ones first (field id and label empty)."""
        rows = [("", "", message) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            for message in self.errors.get(name, []):
                rows.append((self[name].id_for_label, str(field.label), message))
        return rows


def _frame_field(label: str, *, required: bool = False, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=MIN_FRAME, max_value=MAX_FRAME, help_text=help_text
    )


class SequenceForm(BreakdownForm):
    code = forms.CharField(label="Code", max_length=32, validators=[code_validator], help_text="For example SQ010.")
    name = forms.CharField(label="Name", max_length=120, required=False)
    status = forms.ChoiceField(
        label="Status",
        choices=BreakdownStatus.choices,
        help_text="Omitting a sequence does not omit its shots: omit those on their pages.",
    )

    def __init__(self, *args, sequence: Sequence | None = None, **kwargs):
        if sequence is not None:
            kwargs.setdefault("initial", {"code": sequence.code, "name": sequence.name, "status": sequence.status})
        super().__init__(*args, **kwargs)
        if sequence is None:
            del self.fields["status"]  # a new sequence is active

    def changes(self) -> dict:
        return dict(self.cleaned_data)


class SequenceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Sequence) -> str:
        return f"{obj.code} — {obj.name}" if obj.name else obj.code


class ShotForm(BreakdownForm):
    """Create (no `shot`) or edit a shot. The frame range is cut in plus cut out or a frame count, and handles.

    On create an empty cut in starts the shot at the show's default head in plus the head handles.
    """

    sequence = SequenceChoiceField(
        label="Sequence", queryset=Sequence.objects.none(), to_field_name="code", empty_label="Choose a sequence"
    )
    code = forms.CharField(
        label="Code", max_length=64, validators=[code_validator], help_text="For example SQ010_SH0040."
    )
    cut_in = _frame_field("Cut in")
    cut_out = _frame_field("Cut out", help_text="Or leave it empty and give a frame count.")
    frame_count = forms.IntegerField(
        label="Frame count", required=False, min_value=1, max_value=MAX_FRAME_COUNT, help_text="Cut out − cut in + 1."
    )
    head_handles = forms.IntegerField(label="Head handles", min_value=0, max_value=MAX_HANDLES)
    tail_handles = forms.IntegerField(label="Tail handles", min_value=0, max_value=MAX_HANDLES)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label="Status", choices=EDITABLE_STATUSES)
    with_template = forms.BooleanField(
        label="Add the show's task template", required=False, initial=True, help_text="Its task types become tasks."
    )

    service_field_names = {"head_in": "head_handles", "tail_out": "tail_handles"}

    def __init__(self, *args, show: Show, shot: Shot | None = None, **kwargs):
        self.show = show
        self.shot = shot
        initial = kwargs.setdefault("initial", {})
        if shot is None:
            initial.setdefault("head_handles", show.default_handles)
            initial.setdefault("tail_handles", show.default_handles)
        else:
            initial.update(
                sequence=shot.sequence.code,
                code=shot.code,
                cut_in=shot.cut_in,
                cut_out=shot.cut_out,
                head_handles=shot.cut_in - shot.head_in,
                tail_handles=shot.tail_out - shot.cut_out,
                description=shot.description,
                status=shot.status,
            )
        super().__init__(*args, **kwargs)
        # Omitted sequences take no new shots; a shot already in one may stay there.
        sequences = Q(show=show) & ~Q(status=BreakdownStatus.OMITTED)
        if shot is not None:
            sequences |= Q(pk=shot.sequence_id)
        self.fields["sequence"].queryset = Sequence.objects.filter(sequences).order_by("order", "code")
        if shot is None:
            del self.fields["status"]  # a new shot is active
            self.fields["cut_in"].help_text = (
                f"Empty: head in {show.default_head_in} + the head handles "
                f"({show.default_head_in + show.default_handles} with {show.default_handles})."
            )
        else:
            del self.fields["with_template"]
            self.fields["cut_in"].required = True
            if shot.status == BreakdownStatus.OMITTED:
                del self.fields["status"]  # restore it from the shot page

    def clean(self):
        data = super().clean()
        head, tail = data.get("head_handles"), data.get("tail_handles")
        cut_in, cut_out, frame_count = data.get("cut_in"), data.get("cut_out"), data.get("frame_count")
        if any(name in self.errors for name in ("cut_in", "cut_out", "frame_count", "head_handles", "tail_handles")):
            return data
        if cut_in is None:
            cut_in = self.show.default_head_in + head
        if cut_out is None and frame_count is None:
            self.add_error("cut_out", "Give cut out or a frame count.")
            return data
        if cut_out is not None and cut_out < cut_in:
            self.add_error("cut_out", f"Cut out must not be before cut in ({cut_in}).")
            return data
        if cut_out is None:
            cut_out = cut_in + frame_count - 1
        elif frame_count is not None and frame_count != cut_out - cut_in + 1:
            self.add_error(
                "frame_count",
                f"{frame_count} frames does not match cut in {cut_in} to cut out {cut_out} "
                f"({cut_out - cut_in + 1} frames): give cut out or a frame count, not both.",
            )
            return data
        data["frame_range"] = {
            "cut_in": cut_in,
            "cut_out": cut_out,
            "head_in": cut_in - head,
            "tail_out": cut_out + tail,
        }
        return data

    def create_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "sequence": data["sequence"],
            "code": data["code"],
            "description": data["description"],
            "with_template": data["with_template"],
            **data["frame_range"],
        }

    def edit_kwargs(self) -> dict:
        data = self.cleaned_data
        changes = {"sequence": data["sequence"], "code": data["code"], "description": data["description"]}
        changes.update(data["frame_range"])
        if "status" in self.fields:
            changes["status"] = data["status"]
        return changes


class TaskTemplateForm(BreakdownForm):
    """One row per task type: include it in the template or not, and its default bid in days."""

    def __init__(self, *args, rows: list[tuple[TaskType, TaskTemplateItem | None]], **kwargs):
        super().__init__(*args, **kwargs)
        self.task_types = [task_type for task_type, _ in rows]
        for task_type, item in rows:
            self.fields[f"include_{task_type.pk}"] = forms.BooleanField(
                label=task_type.name, required=False, initial=item is not None
            )
            self.fields[f"bid_{task_type.pk}"] = forms.DecimalField(
                label=f"{task_type.name} default bid (days)",
                required=False,
                min_value=Decimal("0"),
                max_digits=6,
                decimal_places=2,
                initial=item.default_bid_days if item is not None else Decimal("0"),
                widget=forms.NumberInput(attrs={"aria-label": f"{task_type.name} default bid (days)", "step": "0.25"}),
            )

    @property
    def rows(self) -> list[tuple[TaskType, forms.BoundField, forms.BoundField]]:
        return [(t, self[f"include_{t.pk}"], self[f"bid_{t.pk}"]) for t in self.task_types]

    def items(self) -> dict[TaskType, Decimal]:
        data = self.cleaned_data
        return {
            task_type: data[f"bid_{task_type.pk}"] or Decimal("0")
            for task_type in self.task_types
            if data[f"include_{task_type.pk}"]
        }
