"""Every write to rate cards, personal rates and expenses goes through here: permission checked, validated, atomic.

Rate cards and personal rates are studio-wide and the most sensitive data Slate holds: admins write them
(studio.permissions.RateRule; producers only read). Expenses belong to a show: its producers and admins write them
(MoneyRule). Amounts are Decimal; a text amount may use a dot or a comma as the decimal separator.

Effective periods are both ends inclusive; an open end (effective_to None) runs on. Two rate cards for the same role,
seniority and currency never overlap: a new card that starts inside an open-ended card closes it the day before
(the usual "new rates from the 1st"); any other overlap is refused, naming effective_from. Rate-card writes take
turns (one advisory lock), so these checks see every card, even one written at the same moment. A person's rates
never overlap either (budgets.costs picks the one covering a day).

An expense's reference (invoice or PO number) is entered once per show: the code check names the field, and the
database constraint expense_unique_reference_per_show catches two identical requests at once (the loser gets the
same field error).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from studio import permissions
from studio.models import Department, Person, Show, ShowMembership
from studio.services import refuse_unknown_fields, unique_or_field_error, violated_unique_constraint

from .models import Expense, ExpenseKind, PersonRate, PersonRateKind, RateCard

ONE_DAY = dt.timedelta(days=1)
MAX_AMOUNT = Decimal("9999999999.99")  # Expense.amount: 12 digits, 2 decimal places
MAX_DAY_RATE = Decimal("99999999.99")  # RateCard.day_rate: 10 digits, 2 decimal places
MAX_FEE = Decimal("9999999999.99")
RATE_CARD_EDITABLE = frozenset({"day_rate", "effective_from", "effective_to"})
EXPENSE_EDITABLE = frozenset({"department", "supplier", "description", "kind", "amount", "date", "reference", "person"})
EXPENSE_REFERENCE_UNIQUE = "expense_unique_reference_per_show"  # budgets.models.Expense.Meta.constraints
RATE_CARD_LOCK = (0x52415445, 0)  # "RATE": the two keys of the advisory lock every rate-card write takes


# --- Cleaning values ---------------------------------------------------------------------------------------------


def parse_amount(value: Any, field_name: str = "amount", *, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    """A non-negative amount with at most two decimals, from a Decimal, an int or a text such as "1234.50",
    "1234,50", "1,234.50" or "1.234,50" (with both separators, the last one is the decimal separator)."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field_name: "Give an amount, like 1234.50."})
    if isinstance(value, float):
        raise ValidationError({field_name: "Give the amount as text or a decimal, not a float."})
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({field_name: f"'{value}' is not an amount: write it like 1234.50 or 1234,50."}) from None
    if not amount.is_finite():
        raise ValidationError({field_name: "Give a finite amount, like 1234.50."})
    if amount < 0:
        raise ValidationError({field_name: "An amount must not be negative."})
    if amount > maximum:
        raise ValidationError({field_name: f"An amount must be at most {maximum}."})
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field_name: "Give at most two decimals (cents)."})
    return amount.quantize(Decimal("0.01"))


def parse_date(value: Any, field_name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field_name: f"'{value}' is not a date: write it like 2026-03-31."}) from None


def _check_period(start: dt.date, end: dt.date | None) -> None:
    if end is not None and end < start:
        raise ValidationError({"effective_to": "The end of the effective period must not be before its start."})


def _overlaps(queryset, start: dt.date, end: dt.date | None):
    """Rows of `queryset` whose [effective_from, effective_to] meets [start, end]."""
    q = Q(effective_to__isnull=True) | Q(effective_to__gte=start)
    if end is not None:
        q &= Q(effective_from__lte=end)
    return queryset.filter(q)


def _period_text(start: dt.date, end: dt.date | None) -> str:
    return f"{start:%Y-%m-%d} to {end:%Y-%m-%d}" if end else f"{start:%Y-%m-%d} on"


# --- Rate cards (admins) ------------------------------------------------------------------------------------------


def _lock_rate_cards() -> None:
    """Rate-card writes take turns: there is no row to lock before the first card of a role exists, and the checks
    (the open-ended card a new one closes, the overlap) must see a card another admin is writing right now. They
    are few (admins), so one lock for all of them."""
    if connection.vendor != "postgresql":
        return  # SQLite (make run) serialises every write anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", RATE_CARD_LOCK)


def _check_rate_card_overlap(card: RateCard) -> None:
    same = RateCard.objects.filter(role=card.role, seniority=card.seniority, currency=card.currency).exclude(pk=card.pk)
    clash = _overlaps(same, card.effective_from, card.effective_to).order_by("effective_from").first()
    if clash is not None:
        raise ValidationError(
            {
                "effective_from": f"The {card.get_role_display()} {card.get_seniority_display()} rate in "
                f"{card.currency} of {_period_text(clash.effective_from, clash.effective_to)} overlaps this period."
            }
        )


@transaction.atomic
def rate_card_create(
    *,
    actor: Person,
    role: str,
    seniority: str,
    day_rate: Decimal | str,
    effective_from: dt.date,
    currency: str = "EUR",
    effective_to: dt.date | None = None,
) -> RateCard:
    """A studio day rate for a role and seniority in a currency from `effective_from`. An open-ended card of the
    same role, seniority and currency that started earlier ends the day before (its rate stays for its days)."""
    card = RateCard(
        role=role,
        seniority=seniority,
        currency=(currency or "").upper(),
        day_rate=parse_amount(day_rate, "day_rate", maximum=MAX_DAY_RATE),
        effective_from=parse_date(effective_from, "effective_from"),
        effective_to=parse_date(effective_to, "effective_to") if effective_to else None,
    )
    permissions.require_change(actor, card)
    card.full_clean(validate_constraints=False)
    _check_period(card.effective_from, card.effective_to)
    _lock_rate_cards()
    previous = (
        RateCard.objects.select_for_update()
        .filter(
            role=card.role,
            seniority=card.seniority,
            currency=card.currency,
            effective_from__lt=card.effective_from,
            effective_to__isnull=True,
        )
        .first()
    )
    if previous is not None:
        previous.effective_to = card.effective_from - ONE_DAY
        previous.save(update_fields=["effective_to"])
    _check_rate_card_overlap(card)
    card.full_clean()
    card.save()
    return card


@transaction.atomic
def rate_card_update(*, actor: Person, rate_card: RateCard, **changes: Any) -> RateCard:
    """Change a card's day rate or effective period (the role, seniority and currency make a different card)."""
    refuse_unknown_fields(changes, RATE_CARD_EDITABLE)
    _lock_rate_cards()
    card = RateCard.objects.select_for_update().get(pk=rate_card.pk)
    permissions.require_change(actor, card)
    if "day_rate" in changes:
        card.day_rate = parse_amount(changes["day_rate"], "day_rate", maximum=MAX_DAY_RATE)
    if "effective_from" in changes:
        card.effective_from = parse_date(changes["effective_from"], "effective_from")
    if "effective_to" in changes:
        end = changes["effective_to"]
        card.effective_to = parse_date(end, "effective_to") if end else None
    _check_period(card.effective_from, card.effective_to)
    _check_rate_card_overlap(card)
    card.full_clean()
    card.save()
    return card


def rate_card_end(*, actor: Person, rate_card: RateCard, effective_to: dt.date) -> RateCard:
    """The card's last day: from the next day on it no longer prices anyone's time."""
    return rate_card_update(actor=actor, rate_card=rate_card, effective_to=effective_to)


# --- Personal rates (admins) ---------------------------------------------------------------------------------------


@transaction.atomic
def person_rate_set(
    *,
    actor: Person,
    person: Person,
    kind: str,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    day_rate: Decimal | str | None = None,
    fixed_fee: Decimal | str | None = None,
    currency: str = "EUR",
    person_rate: PersonRate | None = None,
) -> PersonRate:
    """Create (or, given `person_rate`, replace the terms of) a person's own rate: a personal day rate, a freelance
    day rate, or a freelance fixed fee (costed once, on effective_from: budgets.costs). A period that overlaps
    another of the person's rates is refused, naming effective_from."""
    if person_rate is not None:
        rate = PersonRate.objects.select_for_update().get(pk=person_rate.pk)
        if rate.person_id != person.pk:
            raise ValidationError({"person": "A rate stays with its person: add a new one for someone else."})
    else:
        rate = PersonRate(person=person)
    permissions.require_change(actor, rate)
    rate.kind = kind
    rate.currency = (currency or "").upper()
    rate.effective_from = parse_date(effective_from, "effective_from")
    rate.effective_to = parse_date(effective_to, "effective_to") if effective_to else None
    if kind not in PersonRateKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(PersonRateKind.values)}."})
    if kind == PersonRateKind.CONTRACT_FIXED:
        if fixed_fee in (None, ""):
            raise ValidationError({"fixed_fee": "A fixed-fee contract needs its fee."})
        rate.fixed_fee, rate.day_rate = parse_amount(fixed_fee, "fixed_fee", maximum=MAX_FEE), None
    else:
        if day_rate in (None, ""):
            raise ValidationError({"day_rate": "Give the day rate."})
        rate.day_rate, rate.fixed_fee = parse_amount(day_rate, "day_rate", maximum=MAX_DAY_RATE), None
    _check_period(rate.effective_from, rate.effective_to)
    # The person's row serialises concurrent writes of their rates (the overlap check must see them all).
    list(Person.objects.select_for_update().select_related(None).filter(pk=person.pk).values_list("pk"))
    others = PersonRate.objects.filter(person_id=person.pk).exclude(pk=rate.pk)
    clash = _overlaps(others, rate.effective_from, rate.effective_to).order_by("effective_from").first()
    if clash is not None:
        raise ValidationError(
            {
                "effective_from": f"{person} already has a {clash.get_kind_display().lower()} for "
                f"{_period_text(clash.effective_from, clash.effective_to)}: end it first, or pick other dates."
            }
        )
    rate.full_clean()
    rate.save()
    return rate


@transaction.atomic
def person_rate_delete(*, actor: Person, person_rate: PersonRate) -> None:
    rate = PersonRate.objects.select_for_update().get(pk=person_rate.pk)
    permissions.require_change(actor, rate)
    rate.delete()


# --- Expenses (the show's producers and admins) -------------------------------------------------------------------


def _reference_taken(reference: str) -> str:
    return f"Reference '{reference}' is already entered on this show."


def _check_reference_free(expense: Expense) -> None:
    if expense.reference and (
        Expense.objects.filter(show_id=expense.show_id, reference=expense.reference).exclude(pk=expense.pk).exists()
    ):
        raise ValidationError({"reference": _reference_taken(expense.reference)})


def _save_expense(expense: Expense) -> None:
    # Two requests with the same reference can both pass _check_reference_free: the database refuses the second.
    with unique_or_field_error(EXPENSE_REFERENCE_UNIQUE, "reference", _reference_taken(expense.reference)):
        expense.save()


def _check_person(expense: Expense) -> None:
    if (
        expense.person_id
        and not ShowMembership.objects.filter(show_id=expense.show_id, person_id=expense.person_id).exists()
    ):
        raise ValidationError({"person": "Choose someone on this show."})


def _apply_expense_fields(expense: Expense, values: dict[str, Any]) -> None:
    if "department" in values:
        if not isinstance(values["department"], Department):
            raise ValidationError({"department": "Choose a department."})
        expense.department = values["department"]
    for name in ("supplier", "description", "reference"):
        if name in values:
            setattr(expense, name, str(values[name] or "").strip())
    if "kind" in values:
        if values["kind"] not in ExpenseKind.values:
            raise ValidationError({"kind": f"Choose one of: {', '.join(ExpenseKind.values)}."})
        expense.kind = values["kind"]
    if "amount" in values:
        expense.amount = parse_amount(values["amount"])
    if "date" in values:
        expense.date = parse_date(values["date"], "date")
    if "person" in values:
        expense.person = values["person"] or None


@transaction.atomic
def expense_create(
    *,
    actor: Person,
    show: Show,
    department: Department,
    supplier: str,
    amount: Decimal | str,
    date: dt.date,
    kind: str = ExpenseKind.OTHER,
    description: str = "",
    reference: str = "",
    person: Person | None = None,
) -> Expense:
    """An actual cost of the show in a department (a freelance invoice, hardware, software...), dated."""
    expense = Expense(show=show, created_by=actor)
    permissions.require_change(actor, expense)
    _apply_expense_fields(
        expense,
        {
            "department": department,
            "supplier": supplier,
            "amount": amount,
            "date": date,
            "kind": kind,
            "description": description,
            "reference": reference,
            "person": person,
        },
    )
    _check_reference_free(expense)
    _check_person(expense)
    expense.full_clean(validate_constraints=False)  # the reference: the check above and _save_expense, naming it
    _save_expense(expense)
    return expense


@transaction.atomic
def expense_update(*, actor: Person, expense: Expense, **changes: Any) -> Expense:
    refuse_unknown_fields(changes, EXPENSE_EDITABLE)
    locked = Expense.objects.select_for_update().get(pk=expense.pk)
    permissions.require_change(actor, locked)
    _apply_expense_fields(locked, changes)
    _check_reference_free(locked)
    _check_person(locked)
    locked.full_clean(validate_constraints=False)  # the reference: the check above and _save_expense, naming it
    _save_expense(locked)
    return locked


@transaction.atomic
def expense_delete(*, actor: Person, expense: Expense) -> None:
    locked = Expense.objects.select_for_update().get(pk=expense.pk)
    permissions.require_change(actor, locked)
    locked.delete()


# --- Expenses from a CSV file -------------------------------------------------------------------------------------

CSV_COLUMNS = ("date", "department", "supplier", "kind", "amount", "reference", "description")
CSV_REQUIRED = ("date", "department", "supplier", "amount")
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 5000


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 1 is the header
    field: str  # a column name, or "file"
    message: str


@dataclass(frozen=True)
class ImportRow:
    line: int
    date: dt.date
    department: Department
    supplier: str
    kind: str
    amount: Decimal
    reference: str
    description: str


@dataclass
class ImportReport:
    """What an expense CSV holds (a dry run) or did: the rows to add, the lines skipped because their reference is
    already on the show, and the problems (line and field). Nothing is written when there is any problem."""

    dry_run: bool
    rows: list[ImportRow] = field(default_factory=list)
    skipped: list[ImportProblem] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal(0))


def read_csv_text(file: Any) -> str:
    if hasattr(file, "size") and file.size is not None and file.size > MAX_CSV_BYTES:
        raise ValidationError({"file": f"The file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB."})
    raw = file.read() if hasattr(file, "read") else file
    if isinstance(raw, str):
        text = raw
    elif len(raw) > MAX_CSV_BYTES:
        raise ValidationError({"file": f"The file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB."})
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": "The file is not UTF-8 text: save it as CSV (UTF-8)."}) from None
    if "\x00" in text:  # a binary file, or UTF-16: the preview would pass and the import be refused
        raise ValidationError({"file": "The file holds NUL characters, so it is not CSV text: save it as CSV (UTF-8)."})
    return text


def _department_index() -> dict[str, Department]:
    index: dict[str, Department] = {}
    for department in Department.objects.all():
        index[department.code.lower()] = department
        index.setdefault(department.name.lower(), department)
    return index


def _checked(problems: list[ImportProblem], line: int, name: str, parse, value: str):
    try:
        return parse(value, name)
    except ValidationError as error:
        problems.append(ImportProblem(line, name, " ".join(error.messages)))
        return None


def _parse_csv(text: str, report: ImportReport, existing_references: set[str]) -> None:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        report.errors.append(ImportProblem(1, "file", "The file is empty."))
        return
    except csv.Error as error:
        report.errors.append(ImportProblem(1, "file", f"Not a valid CSV line: {error}."))
        return
    unknown = [name for name in header if name and name not in CSV_COLUMNS]
    missing = [name for name in CSV_REQUIRED if name not in header]
    if unknown or missing or len(set(header)) != len(header):
        parts = []
        if missing:
            parts.append(f"missing column(s): {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s): {', '.join(unknown)}")
        if len(set(header)) != len(header):
            parts.append("a column appears twice")
        report.errors.append(
            ImportProblem(1, "file", f"The header must name the columns {', '.join(CSV_COLUMNS)}: {'; '.join(parts)}.")
        )
        return
    departments = _department_index()
    seen: dict[str, int] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            report.errors.append(ImportProblem(reader.line_num, "file", f"Not a valid CSV line: {error}."))
            return
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(report.rows) + len(report.skipped) + len(report.errors) >= MAX_CSV_ROWS:
            report.errors.append(ImportProblem(line, "file", f"At most {MAX_CSV_ROWS} expenses per file."))
            return
        if len(cells) > len(header):
            report.errors.append(ImportProblem(line, "file", f"{len(cells)} values for {len(header)} columns."))
            continue
        values = {name: cells[i].strip() if i < len(cells) else "" for i, name in enumerate(header)}
        problems: list[ImportProblem] = []

        day = _checked(problems, line, "date", parse_date, values["date"])
        department = departments.get(values["department"].lower())
        if department is None:
            problems.append(
                ImportProblem(line, "department", f"No department '{values['department']}' (use its code).")
            )
        supplier = values["supplier"]
        if not supplier:
            problems.append(ImportProblem(line, "supplier", "Give the supplier."))
        elif len(supplier) > 120:
            problems.append(ImportProblem(line, "supplier", "At most 120 characters."))
        kind = (values.get("kind") or ExpenseKind.OTHER).lower()
        if kind not in ExpenseKind.values:
            problems.append(ImportProblem(line, "kind", f"'{kind}' is not one of {', '.join(ExpenseKind.values)}."))
        amount = _checked(problems, line, "amount", parse_amount, values["amount"])
        reference = values.get("reference", "")
        description = values.get("description", "")
        if len(reference) > 64:
            problems.append(ImportProblem(line, "reference", "At most 64 characters."))
        if len(description) > 255:
            problems.append(ImportProblem(line, "description", "At most 255 characters."))
        if reference and reference in seen:
            problems.append(
                ImportProblem(line, "reference", f"Reference '{reference}' is also on line {seen[reference]}.")
            )
        if problems:
            report.errors.extend(problems)
            continue
        if reference:
            seen[reference] = line
            if reference in existing_references:
                report.skipped.append(ImportProblem(line, "reference", f"'{reference}' is already entered: skipped."))
                continue
        report.rows.append(ImportRow(line, day, department, supplier, kind, amount, reference, description))


@transaction.atomic
def expense_import_csv(*, actor: Person, show: Show, file: Any, dry_run: bool = False) -> ImportReport:
    """Read an expense CSV (columns date, department, supplier, kind, amount, reference, description; date, department
    (code or name), supplier and amount required; kind defaults to other) and, unless `dry_run`, add its expenses.

    All or nothing: any problem (reported with its line and column) and nothing is written. A line whose reference is
    already on the show is skipped and reported (so importing the same file twice adds nothing). Amounts take a dot
    or a comma as the decimal separator; a file whose header has more semicolons than commas is read as
    semicolon-separated (the usual export where the comma is the decimal mark)."""
    permissions.require_change(actor, Expense(show=show))
    report = ImportReport(dry_run=dry_run)
    try:
        text = read_csv_text(file)
    except ValidationError as error:
        report.errors.append(ImportProblem(0, "file", " ".join(error.messages)))
        return report
    if not dry_run:
        # Imports to one show take turns on its row, so the second of two identical imports skips every line.
        list(Show.objects.select_for_update(no_key=True).filter(pk=show.pk).values_list("pk", flat=True))
    references = set(Expense.objects.filter(show=show).exclude(reference="").values_list("reference", flat=True))
    _parse_csv(text, report, references)
    if not report.rows and not report.errors and not report.skipped:
        report.errors.append(ImportProblem(1, "file", "The file has no expenses."))
    if dry_run or report.errors:
        return report
    expenses = [
        Expense(
            show=show,
            department=row.department,
            supplier=row.supplier,
            description=row.description,
            kind=row.kind,
            amount=row.amount,
            date=row.date,
            reference=row.reference,
            created_by=actor,
        )
        for row in report.rows
    ]
    for expense in expenses:  # every value was checked while reading; no query per row
        expense.full_clean(exclude=["show", "department", "created_by", "person"], validate_constraints=False)
    try:
        with transaction.atomic():  # a savepoint: a refused insert leaves the transaction usable
            Expense.objects.bulk_create(expenses)
    except IntegrityError as error:
        if violated_unique_constraint(error) != EXPENSE_REFERENCE_UNIQUE:
            raise
        # An expense with one of the file's references was entered (not imported) while the file was read: nothing
        # is written, and the lines it concerns say so (importing again skips them).
        references = {row.reference for row in report.rows if row.reference}
        taken = set(Expense.objects.filter(show=show, reference__in=references).values_list("reference", flat=True))
        report.errors.extend(
            ImportProblem(row.line, "reference", f"{_reference_taken(row.reference)} Import the file again to skip it.")
            for row in report.rows
            if row.reference in taken
        )
        return report
    report.created = len(expenses)
    return report
