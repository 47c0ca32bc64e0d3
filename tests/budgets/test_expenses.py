"""Expenses: services, the CSV import (preview, all-or-nothing, skipped references, bad lines), and the pages."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from budgets import services
from budgets.models import Expense, ExpenseKind
from tests.budgets.factories import ExpenseFactory
from tests.budgets.factories_costs import show_cast
from tests.concurrency import concurrently
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    show = ShowFactory(code="EXP", name="Expense picture")
    other = ShowFactory(code="EXO", name="Other expense picture")
    anm = DepartmentFactory(name="Animation", code="ANIM", order=4)
    lgt = DepartmentFactory(name="Lighting", code="LGT", order=6)
    cast = show_cast(show)
    return {"show": show, "other": other, "anm": anm, "lgt": lgt, **cast}


def http(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# --- Services ---------------------------------------------------------------------------------------------------


def test_producer_adds_an_expense_with_a_comma_amount(setup):
    expense = services.expense_create(
        actor=setup["producer"],
        show=setup["show"],
        department=setup["anm"],
        supplier="Wacom",
        amount="1.234,50",
        date=dt.date(2026, 3, 2),
        kind=ExpenseKind.HARDWARE,
        reference="INV-001",
    )
    assert expense.amount == Decimal("1234.50")
    assert expense.created_by == setup["producer"]


@pytest.mark.parametrize("role", ["artist", "supervisor", "coordinator", "production_manager", "client"])
def test_only_producers_and_admins_add_expenses(setup, role):
    with pytest.raises(PermissionDenied):
        services.expense_create(
            actor=setup[role],
            show=setup["show"],
            department=setup["anm"],
            supplier="X",
            amount="1",
            date=dt.date.today(),
        )
    assert not Expense.objects.exists()


def test_a_producer_of_another_show_may_not_add_to_this_one(setup):
    outsider = PersonFactory(role="producer")
    MembershipFactory(person=outsider, show=setup["other"])
    with pytest.raises(PermissionDenied):
        services.expense_create(
            actor=outsider, show=setup["show"], department=setup["anm"], supplier="X", amount="1", date=dt.date.today()
        )


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-5", "negative"), ("abc", "not an amount"), ("1.234", "two decimals"), ("NaN", "finite"), ("1e99", "at most")],
)
def test_a_bad_amount_is_refused_naming_the_field(setup, amount, message):
    with pytest.raises(ValidationError) as caught:
        services.expense_create(
            actor=setup["admin"], show=setup["show"], department=setup["anm"], supplier="X", amount=amount,
            date=dt.date(2026, 3, 2),
        )  # fmt: skip
    assert list(caught.value.message_dict) == ["amount"]
    assert message in caught.value.message_dict["amount"][0]


def test_a_reference_is_entered_once_per_show(setup):
    ExpenseFactory(show=setup["show"], department=setup["anm"], reference="INV-9")
    with pytest.raises(ValidationError) as caught:
        services.expense_create(
            actor=setup["producer"], show=setup["show"], department=setup["anm"], supplier="X", amount="1",
            date=dt.date(2026, 3, 2), reference="INV-9",
        )  # fmt: skip
    assert list(caught.value.message_dict) == ["reference"]


def test_update_and_delete(setup):
    expense = ExpenseFactory(show=setup["show"], department=setup["anm"], amount=Decimal("10.00"))
    updated = services.expense_update(actor=setup["producer"], expense=expense, amount="12,5", department=setup["lgt"])
    assert (updated.amount, updated.department) == (Decimal("12.50"), setup["lgt"])
    with pytest.raises(ValidationError) as caught:
        services.expense_update(actor=setup["producer"], expense=expense, show=setup["other"])
    assert list(caught.value.message_dict) == ["show"]
    with pytest.raises(PermissionDenied):
        services.expense_delete(actor=setup["production_manager"], expense=expense)
    services.expense_delete(actor=setup["producer"], expense=expense)
    assert not Expense.objects.exists()


# --- CSV import -------------------------------------------------------------------------------------------------

GOOD_CSV = (
    "date,department,supplier,kind,amount,reference,description\n"
    "2026-03-02,ANIM,Wacom,hardware,2997.00,INV-100,Three pen displays\n"
    '2026-03-05,lgt,Nimbus Render Farm,other,"4,850.50",INV-101,Cloud render burst\n'
    "2026-03-06,Lighting,Roto Ltd,freelance,1200,,\n"
)


def test_import_dry_run_writes_nothing_then_apply_adds_all(setup):
    report = services.expense_import_csv(actor=setup["producer"], show=setup["show"], file=GOOD_CSV, dry_run=True)
    assert report.ok and report.dry_run
    assert [(r.line, r.department.code, r.amount, r.kind) for r in report.rows] == [
        (2, "ANIM", Decimal("2997.00"), "hardware"),
        (3, "LGT", Decimal("4850.50"), "other"),
        (4, "LGT", Decimal("1200.00"), "freelance"),
    ]
    assert report.total == Decimal("9047.50")
    assert not Expense.objects.exists()
    report = services.expense_import_csv(actor=setup["producer"], show=setup["show"], file=GOOD_CSV.encode())
    assert report.created == 3
    assert Expense.objects.filter(show=setup["show"]).count() == 3
    # The same file again: the references are skipped and reported; the line without one is added again.
    again = services.expense_import_csv(actor=setup["producer"], show=setup["show"], file=GOOD_CSV)
    assert [(p.line, p.field) for p in again.skipped] == [(2, "reference"), (3, "reference")]
    assert again.created == 1


def test_import_reads_semicolons_and_decimal_commas(setup):
    text = (
        "date;department;supplier;amount;reference\n2026-03-02;ANIM;Wacom;1.234,56;R1\n2026-03-03;ANIM;SideFX;99,9;R2\n"
    )
    report = services.expense_import_csv(actor=setup["admin"], show=setup["show"], file=text)
    assert report.ok
    assert sorted(Expense.objects.values_list("amount", flat=True)) == [Decimal("99.90"), Decimal("1234.56")]
    assert set(Expense.objects.values_list("kind", flat=True)) == {"other"}


def test_import_with_bad_lines_reports_each_and_writes_nothing(setup):
    text = (
        "date,department,supplier,kind,amount,reference,description\n"
        "2026-03-02,ANIM,Wacom,hardware,10.00,A1,\n"
        "2026-02-30,ANIM,Wacom,hardware,10.00,A2,\n"
        "2026-03-02,NOPE,Wacom,hardware,10.00,A3,\n"
        "2026-03-02,ANIM,,gadget,-4,A4,\n"
        "2026-03-02,ANIM,Wacom,other,1.234,A1,\n"
        "2026-03-02,ANIM,Wacom,other,1,A6,,extra\n"
    )
    report = services.expense_import_csv(
        actor=setup["producer"], show=setup["show"], file=SimpleUploadedFile("e.csv", text.encode())
    )
    assert not report.ok and report.created == 0
    assert [(p.line, p.field) for p in report.errors] == [
        (3, "date"),
        (4, "department"),
        (5, "supplier"),
        (5, "kind"),
        (5, "amount"),
        (6, "amount"),
        (6, "reference"),
        (7, "file"),
    ]
    assert "2026-02-30" in report.errors[0].message
    assert not Expense.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"date,supplier,amount\n2026-03-02,X,1\n", "missing column(s): department"),
        (b"date,department,supplier,amount,colour\n", "unknown column(s): colour"),
        (b"date,department,supplier,amount\n", "no expenses"),
        (b"\xff\xfe\x00d", "UTF-8"),
        (b"date,department,supplier,amount\n2026-03-02,ANIM,X\x00,1\n", "NUL characters"),
    ],
)
def test_import_refuses_a_bad_file(setup, content, message):
    report = services.expense_import_csv(
        actor=setup["producer"], show=setup["show"], file=SimpleUploadedFile("e.csv", content)
    )
    assert not report.ok
    assert report.errors[0].field == "file"
    assert message in report.errors[0].message


def test_import_refuses_a_reference_twice_in_the_file(setup):
    text = "date,department,supplier,amount,reference\n2026-03-02,ANIM,A,1,R\n2026-03-03,ANIM,B,2,R\n"
    report = services.expense_import_csv(actor=setup["producer"], show=setup["show"], file=text)
    assert [(p.line, p.field) for p in report.errors] == [(3, "reference")]
    assert "line 2" in report.errors[0].message


def test_import_needs_a_producer(setup):
    with pytest.raises(PermissionDenied):
        services.expense_import_csv(actor=setup["production_manager"], show=setup["show"], file=GOOD_CSV)


# --- Pages ------------------------------------------------------------------------------------------------------


def test_the_list_shows_amounts_to_the_producer_and_filters(setup):
    ExpenseFactory(show=setup["show"], department=setup["anm"], supplier="Wacom", amount=Decimal("1234.50"))
    ExpenseFactory(show=setup["show"], department=setup["lgt"], supplier="SideFX", amount=Decimal("99.00"),
                   kind=ExpenseKind.SOFTWARE)  # fmt: skip
    url = reverse("budgets:expense_list", args=["EXP"])
    body = http(setup["producer"]).get(url).content.decode()
    assert "1,234.50 EUR" in body and "1,333.50 EUR" in body
    response = http(setup["producer"]).get(url, {"kind": "software"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "SideFX" in body and "Wacom" not in body and "<html" not in body
    response = http(setup["producer"]).get(url, {"department": "NOPE"})
    assert response.status_code == 400 and "Department: No such department." in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("production_manager", 403), ("artist", 403), ("client", 404)])
def test_others_get_no_amount(setup, role, status):
    ExpenseFactory(show=setup["show"], department=setup["anm"], supplier="Wacom", amount=Decimal("1234.50"))
    for name in ("budgets:expense_list", "budgets:expense_import", "budgets:show_costs"):
        response = http(setup[role]).get(reverse(name, args=["EXP"]))
        assert response.status_code == status
        assert "1234" not in response.content.decode() and "1,234" not in response.content.decode()


def test_add_edit_and_delete_on_the_pages(setup):
    client = http(setup["producer"])
    url = reverse("budgets:expense_list", args=["EXP"])
    data = {"date": "2026-03-02", "department": setup["anm"].pk, "supplier": "Wacom", "kind": "hardware",
            "amount": "1234,50", "reference": "INV-1", "description": "Pens"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    expense = Expense.objects.get()
    assert expense.amount == Decimal("1234.50")
    bad = client.post(url, {**data, "amount": "lots", "reference": "INV-2"})
    assert bad.status_code == 400 and "Amount: &#x27;lots&#x27; is not an amount" in bad.content.decode()
    duplicate = client.post(url, data)
    assert duplicate.status_code == 400 and "Reference: Reference" in duplicate.content.decode()
    edit = reverse("budgets:expense_update", args=["EXP", expense.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**data, "amount": "10"}).status_code == 302
    assert Expense.objects.get().amount == Decimal("10.00")
    assert client.post(reverse("budgets:expense_delete", args=["EXP", expense.pk])).status_code == 302
    assert not Expense.objects.exists()


def test_an_expense_of_another_show_is_a_404(setup):
    other_expense = ExpenseFactory(show=setup["other"], department=setup["anm"])
    client = http(setup["producer"])
    assert client.get(reverse("budgets:expense_update", args=["EXP", other_expense.pk])).status_code == 404
    assert client.post(reverse("budgets:expense_delete", args=["EXP", other_expense.pk])).status_code == 404
    assert Expense.objects.filter(pk=other_expense.pk).exists()


def test_import_page_previews_then_applies(setup):
    client = http(setup["producer"])
    url = reverse("budgets:expense_import", args=["EXP"])
    preview = client.post(url, {"file": SimpleUploadedFile("e.csv", GOOD_CSV.encode())})
    body = preview.content.decode()
    assert preview.status_code == 200 and "9,047.50 EUR" in body and 'id="apply-form"' in body
    assert not Expense.objects.exists()
    text = preview.context["csv_text"]
    applied = client.post(url, {"csv_text": text, "apply": "1"})
    assert applied.status_code == 302 and Expense.objects.count() == 3
    bad = client.post(url, {"file": SimpleUploadedFile("e.csv", b"date,department,supplier,amount\nx,ANIM,A,1\n")})
    assert bad.status_code == 400 and "apply-form" not in bad.content.decode()
    assert "Nothing can be imported" in bad.content.decode()
    assert client.post(url, {}).status_code == 400


def test_the_list_makes_the_same_number_of_queries_at_two_sizes(setup):
    client = http(setup["producer"])
    url = reverse("budgets:expense_list", args=["EXP"])

    def count(n: int) -> int:
        for i in range(n):
            person = PersonFactory(is_freelancer=True)
            MembershipFactory(person=person, show=setup["show"])
            ExpenseFactory(show=setup["show"], department=setup["anm"] if i % 2 else setup["lgt"], person=person)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    assert count(2) == count(12)


# --- One reference per show, in the database too (each race forced: tests.concurrency) --------------------------


def test_the_database_refuses_a_reference_twice_on_a_show_and_nothing_else(setup):
    show, other, anm = setup["show"], setup["other"], setup["anm"]
    ExpenseFactory(show=show, department=anm, reference="INV-9")
    ExpenseFactory(show=other, department=anm, reference="INV-9")  # another show's invoice may share the number
    ExpenseFactory(show=show, department=anm, reference="inv-9")  # the code compares exactly, so does the index
    ExpenseFactory.create_batch(2, show=show, department=anm, reference="")  # no reference: as many as needed
    with pytest.raises(IntegrityError, match="expense_unique_reference_per_show"), transaction.atomic():
        ExpenseFactory(show=show, department=anm, reference="INV-9")
    assert Expense.objects.count() == 5


def expense_in(setup, reference="INV-1"):
    return services.expense_create(
        actor=setup["producer"], show=setup["show"], department=setup["anm"], supplier="Wacom", amount="10",
        date=dt.date(2026, 3, 2), reference=reference,
    )  # fmt: skip


def test_a_reference_committed_between_the_check_and_the_save_is_named_on_reference(setup, monkeypatch):
    """The other request commits after this one's check passed: the error still names the field, never the raw
    'Constraint ... is violated' of the model's constraint validation."""
    expense_in(setup)
    monkeypatch.setattr(services, "_check_reference_free", lambda expense: None)
    with pytest.raises(ValidationError) as caught:
        expense_in(setup)
    assert caught.value.message_dict == {"reference": ["Reference 'INV-1' is already entered on this show."]}
    assert Expense.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_reference_posted_twice_at_once_is_one_expense_and_a_400_naming_reference(setup):
    def first(wait_for_the_test):
        expense_in(setup)
        wait_for_the_test()  # written, not committed: the page's check cannot see it

    data = {"date": "2026-03-02", "department": setup["anm"].pk, "supplier": "Wacom", "kind": "hardware",
            "amount": "10", "reference": "INV-1"}  # fmt: skip
    with concurrently(first) as race:
        response = http(setup["producer"]).post(reverse("budgets:expense_list", args=["EXP"]), data)
    assert race.waited
    assert response.status_code == 400
    assert "Reference: Reference &#x27;INV-1&#x27; is already entered on this show." in response.content.decode()
    assert list(Expense.objects.values_list("reference", flat=True)) == ["INV-1"]


@pytest.mark.django_db(transaction=True)
def test_an_edit_to_a_reference_entered_at_the_same_moment_is_a_400_naming_reference(setup):
    expense = expense_in(setup, reference="")

    def first(wait_for_the_test):
        expense_in(setup, reference="INV-2")
        wait_for_the_test()

    api = APIClient()
    api.force_authenticate(setup["producer"])
    with concurrently(first) as race:
        response = api.patch(f"/api/v1/shows/EXP/expenses/{expense.pk}/", {"reference": "INV-2"}, format="json")
    assert race.waited
    assert (response.status_code, response.json()) == (
        400,
        {"reference": ["Reference 'INV-2' is already entered on this show."]},
    )
    expense.refresh_from_db()
    assert expense.reference == ""


@pytest.mark.django_db(transaction=True)
def test_the_same_file_imported_twice_at_once_adds_its_expenses_once(setup):
    def first(wait_for_the_test):
        services.expense_import_csv(actor=setup["producer"], show=setup["show"], file=GOOD_CSV)
        wait_for_the_test()

    with concurrently(first) as race:
        again = services.expense_import_csv(actor=setup["producer"], show=setup["show"], file=GOOD_CSV)
    assert race.waited
    assert [(p.line, p.field) for p in again.skipped] == [(2, "reference"), (3, "reference")]
    assert (again.errors, again.created) == ([], 1)  # the line without a reference is added again, as in turn
    assert sorted(Expense.objects.values_list("reference", flat=True)) == ["", "", "INV-100", "INV-101"]


@pytest.mark.django_db(transaction=True)
def test_an_import_meeting_a_reference_entered_meanwhile_writes_nothing_and_names_the_line(setup):
    def first(wait_for_the_test):
        expense_in(setup, reference="INV-101")
        wait_for_the_test()

    with concurrently(first) as race:
        report = services.expense_import_csv(actor=setup["producer"], show=setup["show"], file=GOOD_CSV)
    assert race.waited
    assert [(p.line, p.field, p.message) for p in report.errors] == [
        (3, "reference", "Reference 'INV-101' is already entered on this show. Import the file again to skip it.")
    ]
    assert report.created == 0
    assert list(Expense.objects.values_list("reference", flat=True)) == ["INV-101"]


def test_the_migration_marks_references_entered_twice_before_adding_the_constraint(setup):
    migration = importlib.import_module("budgets.migrations.0004_expense_unique_reference_per_show")
    show, anm = setup["show"], setup["anm"]
    constraint = next(c for c in Expense._meta.constraints if c.name == "expense_unique_reference_per_show")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Expense, constraint)
    long_reference = "R" * 64
    first, second, third = (ExpenseFactory(show=show, department=anm, reference="INV-1") for _ in range(3))
    long_first, long_second = (ExpenseFactory(show=show, department=anm, reference=long_reference) for _ in range(2))
    elsewhere = ExpenseFactory(show=setup["other"], department=anm, reference="INV-1")
    ExpenseFactory.create_batch(2, show=show, department=anm, reference="")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's inserts are checked now: an index may follow
    migration.mark_duplicate_references(django_apps, None)
    with connection.schema_editor() as editor:
        editor.add_constraint(Expense, constraint)
    references = dict(Expense.objects.exclude(reference="").values_list("pk", "reference"))
    assert references == {
        first.pk: "INV-1",
        second.pk: f"INV-1 (duplicate {second.pk})",
        third.pk: f"INV-1 (duplicate {third.pk})",
        long_first.pk: long_reference,
        long_second.pk: long_reference[: 64 - len(f" (duplicate {long_second.pk})")] + f" (duplicate {long_second.pk})",
        elsewhere.pk: "INV-1",
    }
    assert Expense.objects.filter(reference="").count() == 2
