import datetime as dt
import io
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from budgets.models import Budget, BudgetLine, Expense, PersonRate, PersonRateKind, RateCard
from dailies.models import Note, NoteRecipient, ReviewItem, ReviewSession, SessionKind, Version, VersionStatus
from schedules.models import Baseline, BaselineTask, Holiday, Milestone, TimeLog
from shots.models import Sequence, Shot, Task, TaskTemplateItem, TaskType
from shots.workflow import DONE_STATUSES, TaskStatus
from studio import permissions
from studio.demo import DEMO_LOGINS, DEMO_PASSWORD, FilmPlan, film_counts
from studio.models import Department, Person, Role, Show, ShowMembership, ShowSummary

pytestmark = pytest.mark.django_db

COUNTED_MODELS = [
    Person,
    Department,
    TaskType,
    RateCard,
    Show,
    ShowMembership,
    ShowSummary,
    Sequence,
    Shot,
    Task,
    Task.assignees.through,
    Version,
    ReviewSession,
    ReviewItem,
    Note,
    NoteRecipient,
    TimeLog,
    Milestone,
    Holiday,
    Baseline,
    BaselineTask,
    Budget,
    BudgetLine,
    PersonRate,
    Expense,
]


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED_MODELS}


@pytest.fixture
def rbt():
    seed()
    return Show.objects.get(code="RBT")


def open_tasks(username: str):
    return Task.objects.filter(assignees__username=username).exclude(status__in=[*DONE_STATUSES, TaskStatus.OMITTED])


# --- The demo show --------------------------------------------------------------------------------


def test_demo_show_is_the_believable_show_of_the_brief(rbt):
    today = timezone.localdate()
    assert (rbt.name, rbt.fps, rbt.currency, rbt.hours_per_day) == ("Robots of the Deep", Decimal("24"), "EUR", 8)
    assert rbt.start_date == today - dt.timedelta(days=81)
    assert rbt.end_date == today + dt.timedelta(days=221)
    assert list(Sequence.objects.filter(show=rbt).values_list("code", flat=True)) == ["SQ010", "SQ020", "SQ030"]
    assert Shot.objects.filter(show=rbt).count() == 40
    assert list(Department.objects.values_list("code", flat=True)) == ["MOD", "RIG", "LAY", "ANM", "FX", "LGT", "CMP"]
    assert TaskType.objects.count() == 14
    assert Task.objects.filter(shot__show=rbt).count() == 187
    assert Version.objects.filter(task__shot__show=rbt).count() == 165
    assert Note.objects.filter(version__task__shot__show=rbt).count() == 165


def test_every_task_status_appears(rbt):
    statuses = Counter(Task.objects.filter(shot__show=rbt).values_list("status", flat=True))
    assert set(statuses) == set(TaskStatus.values)
    assert statuses == {
        TaskStatus.WAITING: 83,
        TaskStatus.APPROVED: 37,
        TaskStatus.FINAL: 28,
        TaskStatus.WIP: 13,
        TaskStatus.PENDING_REVIEW: 10,
        TaskStatus.RETAKE: 5,
        TaskStatus.READY: 5,
        TaskStatus.OMITTED: 5,
        TaskStatus.ON_HOLD: 1,
    }


def test_shot_codes_keep_their_leading_zeros_and_frames_follow_the_show(rbt):
    shots = list(Shot.objects.filter(show=rbt).order_by("sequence__order", "order"))
    assert [s.code for s in shots[:3]] == ["SQ010_SH0010", "SQ010_SH0020", "SQ010_SH0030"]
    assert shots[-1].code == "SQ030_SH0130"
    assert all(re.fullmatch(r"SQ0[123]0_SH0\d\d0", s.code) for s in shots)
    assert {(s.head_in, s.cut_in) for s in shots} == {(1001, 1009)}
    assert all(s.tail_out == s.cut_out + 8 for s in shots)
    assert shots[0].frame_count == 48
    assert len({s.frame_count for s in shots}) == 13


def test_every_role_has_a_demo_login_with_the_demo_password(rbt):
    demo_people = Person.objects.filter(username__in=[username for username, _ in DEMO_LOGINS])
    assert {p.role for p in demo_people} == set(Role.values)
    for username, _ in DEMO_LOGINS:
        assert Client().login(username=username, password=DEMO_PASSWORD), username
    admin = Person.objects.get(username="admin")
    assert (admin.is_staff, admin.is_superuser, admin.memberships.count()) == (True, True, 0)
    assert list(ShowMembership.objects.filter(person__username="client").values_list("show__code", flat=True)) == [
        "RBT"
    ]
    assert Person.objects.get(username="anim.sup").department.code == "ANM"
    assert Person.objects.get(username="light.sup").department.code == "LGT"
    assert Person.objects.get(username="freelancer").is_freelancer


def test_second_run_changes_nothing():
    seed()
    before = row_counts()
    passwords = dict(Person.objects.values_list("username", "password"))

    out = seed()

    assert "Demo data already present: RBT, KTL" in out
    assert row_counts() == before
    assert dict(Person.objects.values_list("username", "password")) == passwords  # nobody is logged out


def test_second_run_puts_back_a_changed_demo_login():
    seed()
    artist = Person.objects.get(username="artist")
    artist.set_password("something-else")
    artist.role = Role.CLIENT
    artist.save()

    seed()

    artist.refresh_from_db()
    assert artist.role == Role.ARTIST
    assert Client().login(username="artist", password=DEMO_PASSWORD)


def test_the_artist_has_work_due_today_this_week_and_overdue(rbt):
    today = timezone.localdate()
    tasks = open_tasks("artist")
    assert tasks.filter(due_date=today).exists()
    assert tasks.filter(due_date__lt=today).exists()
    assert tasks.filter(due_date__gt=today, due_date__lte=today + dt.timedelta(days=7)).exists()


def test_time_logs_are_weekdays_in_the_past_by_assignees_at_most_a_day_each(rbt):
    logs = TimeLog.objects.filter(task__shot__show=rbt).select_related("task")
    holidays = set(Holiday.objects.filter(show=rbt).values_list("date", flat=True))
    today = timezone.localdate()
    assert logs.count() > 100
    assignees = set(Task.assignees.through.objects.values_list("task_id", "person_id"))
    for log in logs:
        assert log.date.weekday() < 5 and log.date not in holidays and log.date < today
        assert isinstance(log.hours, Decimal) and Decimal("0") < log.hours <= Decimal("8")
        assert (log.task_id, log.person_id) in assignees
    # Nobody works more than an 8-hour day, on either show.
    per_day = TimeLog.objects.values("person", "date").annotate(hours=Sum("hours"))
    assert max(row["hours"] for row in per_day) == Decimal("8.00")


def test_dailies_have_notes_to_the_assignees_copied_to_the_supervisor(rbt):
    sessions = ReviewSession.objects.filter(show=rbt, kind=SessionKind.INTERNAL)
    past = sessions.filter(is_closed=True)
    assert past.count() >= 10
    notes = Note.objects.filter(session__in=past).select_related("version__task__task_type__department")
    assert notes.count() == 163
    supervisors = {"ANM": "anim.sup", "LGT": "light.sup"}
    for note in notes:
        task = note.version.task
        rows = {(r.person.username, r.kind) for r in note.recipient_rows.select_related("person")}
        expected = {(p.username, "to") for p in task.assignees.all()}
        if task.task_type.department.code in supervisors:
            expected.add((supervisors[task.task_type.department.code], "cc"))
        assert rows == expected

    upcoming = sessions.get(is_closed=False)
    pending = Version.objects.filter(task__shot__show=rbt, status=VersionStatus.PENDING_REVIEW)
    assert set(upcoming.versions.all()) == set(pending)
    assert pending.count() == 10
    assert not upcoming.notes.exists()


def test_client_sees_the_released_session_and_only_the_published_client_note(rbt):
    client = Person.objects.get(username="client")
    session = ReviewSession.objects.get(show=rbt, kind=SessionKind.CLIENT)
    assert session.released_at is not None and session.items.count() == 4
    published, held = session.notes.filter(is_published=True), session.notes.filter(is_published=False)
    assert published.count() == 1 and held.count() == 1
    assert published.get().status_change == "approve" and published.get().recipient_rows.count() == 2
    assert held.get().published_at is None and not held.get().recipient_rows.exists()

    assert list(permissions.visible(client, ReviewSession)) == [session]
    assert list(permissions.visible(client, Note)) == [published.get()]


def test_the_other_show_is_invisible_to_demo_show_people(rbt):
    ktl = Show.objects.get(code="KTL")
    artist, ktl_artist = Person.objects.get(username="artist"), Person.objects.get(username="ktl.artist")
    assert not permissions.visible(artist, Task).filter(shot__show=ktl).exists()
    assert set(permissions.visible(ktl_artist, Task).values_list("shot__show__code", flat=True)) == {"KTL"}
    assert permissions.visible(Person.objects.get(username="producer"), Show).count() == 2


def test_budget_rates_and_expenses_are_decimal_and_exact(rbt):
    budget = Budget.objects.get(show=rbt)
    assert (budget.revision, budget.name, budget.is_locked) == (1, "bid v1", True)
    lines = {line.department.code: (line.days, line.amount) for line in BudgetLine.objects.filter(budget=budget)}
    assert lines == {
        "LAY": (Decimal("36.50"), Decimal("17520.00")),
        "ANM": (Decimal("180.00"), Decimal("86400.00")),
        "FX": (Decimal("106.50"), Decimal("51120.00")),
        "LGT": (Decimal("99.00"), Decimal("47520.00")),
        "CMP": (Decimal("86.00"), Decimal("41280.00")),
    }
    assert RateCard.objects.count() == 20
    assert RateCard.objects.get(role=Role.ARTIST, seniority="mid").day_rate == Decimal("420.00")
    contract = PersonRate.objects.get(person__username="freelancer")
    assert (contract.kind, contract.day_rate) == (PersonRateKind.CONTRACT_DAY, Decimal("575.00"))
    assert Expense.objects.filter(show=rbt).aggregate(total=Sum("amount"))["total"] == Decimal("14082.50")
    milestones = dict(Milestone.objects.filter(show=rbt).values_list("name", "date"))
    assert milestones["Final delivery"] == rbt.end_date and "Animation lock" in milestones


def test_the_dashboard_summary_is_refreshed(rbt):
    summary = ShowSummary.objects.get(show=rbt)
    assert (summary.shot_count, summary.task_count, summary.done_task_count, summary.is_stale) == (40, 182, 65, False)
    assert summary.tasks_by_status[TaskStatus.OMITTED] == 5


def test_seeded_demo_records_pass_model_validation(rbt):
    querysets = [
        Show.objects.all(),
        Shot.objects.filter(show=rbt),
        Task.objects.filter(shot__show=rbt),
        Version.objects.filter(task__shot__show=rbt),
        ReviewSession.objects.all(),
        ReviewItem.objects.all(),
        Note.objects.all(),
        NoteRecipient.objects.all(),
        TimeLog.objects.filter(task__shot__show=rbt)[:150],
        BaselineTask.objects.all()[:50],
        Budget.objects.all(),
        BudgetLine.objects.all(),
        Expense.objects.all(),
        PersonRate.objects.all(),
        Milestone.objects.all(),
        Person.objects.all(),
    ]
    for queryset in querysets:
        for obj in queryset:
            obj.full_clean(exclude=["password"] if isinstance(obj, Person) else None)


# --- Options ---------------------------------------------------------------------------------------


def test_prints_every_demo_login_and_the_password():
    out = seed()
    assert f"the password for every one is: {DEMO_PASSWORD}" in out
    for username, label in DEMO_LOGINS:
        assert re.search(rf"^  {re.escape(username)} +{re.escape(label)}$", out, re.MULTILINE), username


def test_refuses_to_run_without_debug_or_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [({"shots": 10}, "--shots: only used with --scale film."), ({"scale": "film", "shots": 0}, "at least 1")],
)
def test_bad_options_name_the_option(options, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        seed(**options)
    assert not Show.objects.exists()


# --- Film scale ------------------------------------------------------------------------------------


def test_film_plan_is_product_md_at_3000_shots():
    plan = FilmPlan(3000)
    assert (plan.sequences, plan.tasks, plan.people, plan.versions, plan.notes, plan.time_logs) == (
        60,
        40_000,
        250,
        30_000,
        150_000,
        100_000,
    )


def test_small_film_run_makes_proportional_counts():
    seed(scale="film", shots=60)

    flm = Show.objects.get(code="FLM")
    counts = film_counts(flm)
    recipients = counts.pop("note recipients")
    assert counts == {
        "sequences": 2,
        "shots": 60,
        "tasks": 800,
        "people": 27,
        "versions": 600,
        "notes": 3000,
        "time logs": 2000,
    }
    assert recipients >= 3000
    assert not Note.objects.filter(version__task__shot__show=flm, recipient_rows__isnull=True).exists()
    # Statuses follow the dates as of today; these are there whatever the day (SH0380 of each sequence is omitted).
    statuses = set(Task.objects.filter(shot__show=flm).values_list("status", flat=True))
    assert {TaskStatus.FINAL, TaskStatus.APPROVED, TaskStatus.WAITING, TaskStatus.OMITTED} <= statuses
    codes = list(Shot.objects.filter(show=flm).order_by("sequence__order", "order").values_list("code", flat=True))
    assert (codes[0], codes[49], codes[50], codes[-1]) == (
        "SQ010_SH0010",
        "SQ010_SH0500",
        "SQ020_SH0010",
        "SQ020_SH0100",
    )
    logs = TimeLog.objects.filter(task__shot__show=flm)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert all(d.weekday() < 5 and d <= yesterday for d in logs.values_list("date", flat=True))
    assignees = set(Task.assignees.through.objects.values_list("task_id", "person_id"))
    assert all(pair in assignees for pair in logs.values_list("task_id", "person_id"))
    assert Client().login(username="flm.artist001", password=DEMO_PASSWORD)


def test_film_run_twice_leaves_the_film_alone():
    seed(scale="film", shots=20)
    before = row_counts()

    out = seed(scale="film", shots=20)

    assert "Film-scale show FLM already present" in out
    assert row_counts() == before


def test_the_demo_show_has_a_task_template_so_new_shots_get_the_usual_steps(rbt):
    template = TaskTemplateItem.objects.filter(show=rbt).order_by("task_type__order")
    assert [(item.task_type.name, item.default_bid_days) for item in template] == [
        ("Layout", Decimal("1.00")),
        ("Animation", Decimal("4.00")),
        ("Lighting", Decimal("1.50")),
        ("Compositing", Decimal("1.00")),
    ]
