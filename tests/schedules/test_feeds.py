"""Calendar feeds: the ICS a calendar app reads back (parsed with icalendar), the secret, revocation, who may have
feeds, and the my calendars page."""

import datetime as dt
import hashlib
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from schedules import feeds
from schedules.models import CalendarFeed, CalendarFeedKind, Milestone
from shots.selectors import person_today
from shots.workflow import TaskStatus
from studio.models import Role, ShowMembership
from tests.schedules.factories import MilestoneFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db
BASE = "https://slate.example"


@pytest.fixture(autouse=True)
def _base_url():
    with override_settings(SLATE_BASE_URL=BASE + "/"):
        yield


@pytest.fixture
def studio():
    """A show RBT with an artist (Europe/Paris), a producer, a client, and a second show OTH the artist is not on."""
    animation = DepartmentFactory(name="Animation", code="ANIM")
    lighting = DepartmentFactory(name="Lighting", code="LGT")
    show = ShowFactory(code="RBT", name="Robot Tales")
    other_show = ShowFactory(code="OTH", name="Other Show")
    artist = PersonFactory(username="ada", role=Role.ARTIST, timezone="Europe/Paris")
    producer = PersonFactory(username="pete", role=Role.PRODUCER)
    client = PersonFactory(username="cleo", role=Role.CLIENT)
    MembershipFactory(person=artist, show=show)
    MembershipFactory(person=producer, show=show)
    MembershipFactory(person=client, show=show)
    sq010 = SequenceFactory(show=show, code="SQ010")
    return {
        "show": show,
        "other_show": other_show,
        "artist": artist,
        "producer": producer,
        "client": client,
        "animation": animation,
        "lighting": lighting,
        "anim_type": TaskTypeFactory(name="Animation", department=animation, order=1),
        "light_type": TaskTypeFactory(name="Lighting", department=lighting, order=2),
        "sq010": sq010,
        "shot40": ShotFactory(sequence=sq010, code="SQ010_SH0040"),
        "shot50": ShotFactory(sequence=sq010, code="SQ010_SH0050"),
    }


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def events(body: bytes) -> list[tuple[str, dt.date, dt.date, str]]:
    return [(str(e["UID"]), e["DTSTART"].dt, e["DTEND"].dt, str(e["SUMMARY"])) for e in parse(body).walk("VEVENT")]


def make_feed(person, kind=CalendarFeedKind.MY_TASKS, show=None) -> tuple[CalendarFeed, str]:
    feed = feeds.calendar_feed_create(actor=person, kind=kind, show=show)
    return feed, reverse("schedules:calendar_feed", kwargs={"token": feed.secret})


def logged_in(person) -> Client:
    http = Client()
    http.force_login(person)
    return http


# --- The ICS of my due tasks ----------------------------------------------------------------------------


def test_my_tasks_ics_lists_exactly_the_open_tasks_due_in_the_window(studio):
    s = studio
    artist = s["artist"]
    today = person_today(artist)
    soon = TaskFactory(
        shot=s["shot40"],
        task_type=s["anim_type"],
        status=TaskStatus.WIP,
        start_date=today - dt.timedelta(days=2),
        due_date=today + dt.timedelta(days=3),
        bid_days=Decimal("2.50"),
        assignees=[artist],
    )
    first_day = TaskFactory(
        shot=s["shot40"],
        task_type=s["light_type"],
        status=TaskStatus.RETAKE,
        due_date=today - dt.timedelta(days=30),
        assignees=[artist],
    )
    last_day = TaskFactory(
        shot=s["shot50"],
        task_type=s["anim_type"],
        status=TaskStatus.READY,
        due_date=today + dt.timedelta(days=365),
        assignees=[artist],
    )
    shot60, shot70 = (
        ShotFactory(sequence=s["sq010"], code="SQ010_SH0060"),
        ShotFactory(sequence=s["sq010"], code="SQ010_SH0070"),
    )
    # Left out: too late, too early, done, omitted, no due date, someone else's, another show's.
    TaskFactory(
        shot=s["shot50"], task_type=s["light_type"], due_date=today + dt.timedelta(days=366), assignees=[artist]
    )
    TaskFactory(shot=shot60, task_type=s["anim_type"], due_date=today - dt.timedelta(days=31), assignees=[artist])
    TaskFactory(shot=shot60, task_type=s["light_type"], status=TaskStatus.APPROVED, due_date=today, assignees=[artist])
    TaskFactory(shot=shot70, task_type=s["anim_type"], status=TaskStatus.OMITTED, due_date=today, assignees=[artist])
    TaskFactory(shot=shot70, task_type=s["light_type"], due_date=None, assignees=[artist])
    TaskFactory(
        shot=ShotFactory(sequence=s["sq010"], code="SQ010_SH0080"),
        task_type=s["anim_type"],
        due_date=today,
        assignees=[s["producer"]],
    )
    stranger_shot = ShotFactory(sequence=SequenceFactory(show=s["other_show"], code="SQ900"), code="SQ900_SH0010")
    TaskFactory(shot=stranger_shot, task_type=s["anim_type"], due_date=today, assignees=[artist])

    body = feeds.my_tasks_ics(artist)

    calendar = parse(body)
    assert str(calendar["X-WR-CALNAME"]) == "Slate: my due tasks"
    assert str(calendar["PRODID"]) == "-//Slate//Calendar feeds//EN"
    one_day = dt.timedelta(days=1)
    assert events(body) == [
        (f"task-{first_day.pk}@slate", first_day.due_date, first_day.due_date + one_day, "SQ010_SH0040 Lighting due"),
        (f"task-{soon.pk}@slate", soon.due_date, soon.due_date + one_day, "SQ010_SH0040 Animation due"),
        (f"task-{last_day.pk}@slate", last_day.due_date, last_day.due_date + one_day, "SQ010_SH0050 Animation due"),
    ]
    event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == f"task-{soon.pk}@slate")
    soon.refresh_from_db()
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert str(event["URL"]) == f"{BASE}/shows/RBT/shot/SQ010_SH0040/"
    assert str(event["DESCRIPTION"]) == (
        f"Status: WIP\nShow: Robot Tales (RBT)\nStart: {soon.start_date:%a %d %b %Y}\nBid: 2.5 days"
    )
    assert event["LAST-MODIFIED"].dt == soon.updated_at.replace(microsecond=0)  # ICS times are to the second
    assert event["DTSTAMP"].dt == soon.updated_at.replace(microsecond=0)
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert b"VALUE=DATE:" + soon.due_date.strftime("%Y%m%d").encode() in body


def test_my_tasks_ics_of_a_person_with_nothing_due_is_an_empty_calendar(studio):
    calendar = parse(feeds.my_tasks_ics(studio["producer"]))
    assert (calendar.name, calendar.walk("VEVENT")) == ("VCALENDAR", [])


def test_the_window_is_the_persons_today(studio):
    first, last = feeds.due_task_window(studio["artist"])
    today = timezone.localdate(timezone=dt.UTC)
    # Paris is ahead of UTC: its today is UTC's today or the next day.
    assert person_today(studio["artist"]) in (today, today + dt.timedelta(days=1))
    assert (last - first).days == 395


# --- The ICS of a show's milestones ------------------------------------------------------------------------


def test_show_milestones_ics_has_one_all_day_event_per_milestone_with_its_department(studio):
    s = studio
    lock = MilestoneFactory(show=s["show"], department=s["animation"], name="Animation lock", date=dt.date(2027, 2, 12))
    delivery = MilestoneFactory(show=s["show"], department=None, name="Final delivery", date=dt.date(2027, 6, 30))
    MilestoneFactory(show=s["other_show"], name="Someone else's lock", date=dt.date(2027, 3, 1))

    body = feeds.show_milestones_ics(s["artist"], s["show"])

    assert str(parse(body)["X-WR-CALNAME"]) == "Slate: Robot Tales milestones"
    assert events(body) == [
        (f"milestone-{lock.pk}@slate", dt.date(2027, 2, 12), dt.date(2027, 2, 13), "Animation lock (Animation)"),
        (f"milestone-{delivery.pk}@slate", dt.date(2027, 6, 30), dt.date(2027, 7, 1), "Final delivery"),
    ]
    first = parse(body).walk("VEVENT")[0]
    assert str(first["DESCRIPTION"]) == "Show: Robot Tales (RBT)\nDepartment: Animation"
    assert str(first["URL"]) == f"{BASE}/shows/RBT/"
    assert first["DTSTAMP"].dt.tzinfo is not None
    # Someone who is not the show's staff reads none of its milestones.
    assert events(feeds.show_milestones_ics(s["client"], s["show"])) == []


def test_a_milestone_stored_on_the_last_day_of_the_calendar_is_an_event_without_dtend(studio):
    """Milestones are dated 1970 to 2999 (studio.dates), but rows saved before that rule stay: the feed must not
    step past date.max to end the day."""
    s = studio
    MilestoneFactory(show=s["show"], name="Someday", date=dt.date(2027, 1, 4))
    Milestone.objects.bulk_create([Milestone(show=s["show"], name="Never", date=dt.date.max)])
    _, url = make_feed(s["producer"], kind=CalendarFeedKind.SHOW_MILESTONES, show=s["show"])

    response = Client().get(url)

    assert response.status_code == 200
    someday, never = parse(response.content).walk("VEVENT")
    assert (someday["DTSTART"].dt, someday["DTEND"].dt) == (dt.date(2027, 1, 4), dt.date(2027, 1, 5))
    assert (str(never["SUMMARY"]), never["DTSTART"].dt, "DTEND" in never) == ("Never", dt.date.max, False)
    assert b"DTSTART;VALUE=DATE:99991231" in response.content


# --- Making and revoking feeds -------------------------------------------------------------------------------


def test_a_new_feed_keeps_only_the_digest_of_its_secret(studio):
    feed, path = make_feed(studio["artist"])
    stored = CalendarFeed.objects.get(pk=feed.pk)
    assert len(feed.secret) == 43  # token_urlsafe(32)
    assert stored.token == hashlib.sha256(feed.secret.encode()).hexdigest()
    assert feed.secret not in stored.token
    assert (stored.kind, stored.show, stored.revoked_at, stored.last_used_at) == ("my_tasks", None, None, None)
    assert feeds.calendar_feed_url(feed.secret) == f"{BASE}/calendar/{feed.secret}.ics"
    assert (
        feeds.webcal_url(feeds.calendar_feed_url(feed.secret)) == f"webcal://slate.example/calendar/{feed.secret}.ics"
    )
    assert not hasattr(stored, "secret")


def test_a_milestone_feed_for_a_show_i_work_on(studio):
    feed, _ = make_feed(studio["producer"], CalendarFeedKind.SHOW_MILESTONES, studio["show"])
    assert (feed.person, feed.kind, feed.show) == (studio["producer"], "show_milestones", studio["show"])


@pytest.mark.parametrize(
    ("kind", "show_key", "field", "message"),
    [
        ("birthdays", None, "kind", "Choose what the feed lists: your due tasks, or a show's milestones."),
        ("", None, "kind", "Choose what the feed lists: your due tasks, or a show's milestones."),
        ("my_tasks", "show", "show", "A feed of your due tasks covers all your shows: give no show."),
        ("show_milestones", None, "show", "Choose the show whose milestones the feed lists."),
        (
            "show_milestones",
            "other_show",
            "show",
            "Choose one of the shows you work on: milestone feeds are for their staff.",
        ),
    ],
)
def test_bad_input_on_create_names_the_field(studio, kind, show_key, field, message):
    with pytest.raises(ValidationError) as error:
        feeds.calendar_feed_create(actor=studio["artist"], kind=kind, show=studio[show_key] if show_key else None)
    assert error.value.message_dict == {field: [message]}
    assert CalendarFeed.objects.count() == 0


def test_clients_have_no_feeds(studio):
    with pytest.raises(PermissionDenied):
        feeds.calendar_feed_create(actor=studio["client"], kind=CalendarFeedKind.MY_TASKS)
    with pytest.raises(ValidationError) as error:  # a client membership is not staff: the show is refused
        feeds.calendar_feed_create(actor=studio["artist"], kind="show_milestones", show=studio["other_show"])
    assert list(error.value.message_dict) == ["show"]
    assert CalendarFeed.objects.count() == 0


def test_a_person_has_at_most_twenty_live_feeds(studio):
    artist = studio["artist"]
    made = [make_feed(artist)[0] for _ in range(feeds.MAX_LIVE_FEEDS)]
    with pytest.raises(ValidationError) as error:
        make_feed(artist)
    assert list(error.value.message_dict) == ["kind"]
    feeds.calendar_feed_revoke(actor=artist, feed=made[0])
    assert make_feed(artist)[0].pk


def test_revoke_is_for_the_owner_and_happens_once(studio):
    feed, _ = make_feed(studio["artist"])
    with pytest.raises(PermissionDenied):
        feeds.calendar_feed_revoke(actor=studio["producer"], feed=feed)
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is None
    revoked = feeds.calendar_feed_revoke(actor=studio["artist"], feed=feed)
    assert revoked.revoked_at is not None
    again = feeds.calendar_feed_revoke(actor=studio["artist"], feed=feed)
    assert again.revoked_at == revoked.revoked_at


def test_an_owner_who_left_the_show_still_revokes_its_milestone_feed(studio):
    feed, path = make_feed(studio["producer"], CalendarFeedKind.SHOW_MILESTONES, studio["show"])
    ShowMembership.objects.filter(person=studio["producer"], show=studio["show"]).delete()
    producer = type(studio["producer"]).objects.get(pk=studio["producer"].pk)
    assert feeds.calendar_feed_revoke(actor=producer, feed=feed).revoked_at is not None


# --- The public feed URL -------------------------------------------------------------------------------------


def test_the_feed_url_serves_the_ics_without_login(studio):
    s = studio
    today = person_today(s["artist"])
    task = TaskFactory(shot=s["shot40"], task_type=s["anim_type"], due_date=today, assignees=[s["artist"]])
    _, path = make_feed(s["artist"])

    response = Client().get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert events(response.content) == [
        (f"task-{task.pk}@slate", today, today + dt.timedelta(days=1), "SQ010_SH0040 Animation due")
    ]


def test_the_feed_reads_as_its_owner_whoever_is_logged_in(studio):
    s = studio
    MilestoneFactory(show=s["show"], department=None, name="Final delivery", date=dt.date(2027, 6, 30))
    _, path = make_feed(s["producer"], CalendarFeedKind.SHOW_MILESTONES, s["show"])
    stranger = PersonFactory(role=Role.PRODUCER)
    assert [e[3] for e in events(logged_in(stranger).get(path).content)] == ["Final delivery"]
    assert logged_in(s["producer"]).get("/calendar/not-a-feed.ics").status_code == 404


def test_unknown_revoked_and_dead_feeds_are_the_same_404(studio):
    s = studio
    artist = s["artist"]
    answers = {"unknown": Client().get("/calendar/" + "x" * 43 + ".ics")}
    revoked, revoked_path = make_feed(artist)
    feeds.calendar_feed_revoke(actor=artist, feed=revoked)
    answers["revoked"] = Client().get(revoked_path)
    # A feed stored the way an old fixture would, with the secret itself in `token`: never opened by it.
    CalendarFeed.objects.create(person=artist, kind=CalendarFeedKind.MY_TASKS, token="plain-secret")
    answers["plain secret in the database"] = Client().get("/calendar/plain-secret.ics")
    answers["too long"] = Client().get("/calendar/" + "y" * 500 + ".ics")

    assert {what: (r.status_code, r.content, r["Content-Type"]) for what, r in answers.items()} == {
        what: (404, b"Not found.\n", "text/plain; charset=utf-8") for what in answers
    }


def test_an_inactive_owners_feed_is_a_404(studio):
    _, path = make_feed(studio["artist"])
    assert Client().get(path).status_code == 200
    type(studio["artist"]).objects.filter(pk=studio["artist"].pk).update(is_active=False)
    assert Client().get(path).status_code == 404


def test_an_owner_who_became_a_client_reads_nothing(studio):
    _, path = make_feed(studio["artist"])
    type(studio["artist"]).objects.filter(pk=studio["artist"].pk).update(role=Role.CLIENT)
    ShowMembership.objects.filter(person=studio["artist"]).update(role=Role.CLIENT)
    assert Client().get(path).status_code == 404


def test_a_milestone_feed_of_a_show_the_owner_left_is_a_404(studio):
    MilestoneFactory(show=studio["show"], name="Animation lock")
    _, path = make_feed(studio["producer"], CalendarFeedKind.SHOW_MILESTONES, studio["show"])
    assert Client().get(path).status_code == 200
    ShowMembership.objects.filter(person=studio["producer"], show=studio["show"]).delete()
    assert Client().get(path).status_code == 404


def test_a_task_feed_drops_the_tasks_of_a_show_the_owner_left(studio):
    s = studio
    today = person_today(s["artist"])
    TaskFactory(shot=s["shot40"], task_type=s["anim_type"], due_date=today, assignees=[s["artist"]])
    MembershipFactory(person=s["artist"], show=s["other_show"])
    elsewhere = ShotFactory(sequence=SequenceFactory(show=s["other_show"], code="SQ900"), code="SQ900_SH0010")
    kept = TaskFactory(shot=elsewhere, task_type=s["anim_type"], due_date=today, assignees=[s["artist"]])
    _, path = make_feed(s["artist"])
    assert len(events(Client().get(path).content)) == 2
    ShowMembership.objects.filter(person=s["artist"], show=s["show"]).delete()
    assert [e[0] for e in events(Client().get(path).content)] == [f"task-{kept.pk}@slate"]


def test_the_feed_is_get_only(studio):
    _, path = make_feed(studio["artist"])
    assert Client().post(path).status_code == 405
    assert Client().head(path).status_code == 200


def test_last_used_is_written_at_most_once_an_hour(studio):
    feed, path = make_feed(studio["artist"])
    Client().get(path)
    first = CalendarFeed.objects.get(pk=feed.pk).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as read_again:
        Client().get(path)
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at == first
    assert not any(q["sql"].startswith("UPDATE") for q in read_again.captured_queries)

    an_hour_ago = first - dt.timedelta(hours=1)
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=an_hour_ago)
    Client().get(path)
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at > first


def test_touch_writes_once_when_two_reads_race(studio):
    feed, _ = make_feed(studio["artist"])
    now = timezone.now()
    one, two = CalendarFeed.objects.get(pk=feed.pk), CalendarFeed.objects.get(pk=feed.pk)
    assert feeds.calendar_feed_touch(one, now=now) is True
    assert feeds.calendar_feed_touch(two, now=now + dt.timedelta(seconds=1)) is False
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at == now


def _feed_queries(studio, count: int) -> tuple[int, int]:
    s = studio
    artist = PersonFactory(role=Role.ARTIST)
    MembershipFactory(person=artist, show=s["show"])
    today = person_today(artist)
    for n in range(count):
        shot = ShotFactory(sequence=s["sq010"], code=f"SQ010_SH{count:02d}{n:02d}")
        TaskFactory(shot=shot, task_type=s["anim_type"], due_date=today + dt.timedelta(days=n), assignees=[artist])
    _, path = make_feed(artist)
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(path)
    assert len(events(response.content)) == count
    return len(queries)


def test_feed_query_count_does_not_grow_with_tasks(studio):
    assert _feed_queries(studio, 2) == _feed_queries(studio, 20)


# --- My calendars ----------------------------------------------------------------------------------------------


def test_my_calendars_lists_my_feeds_only(studio):
    s = studio
    mine, _ = make_feed(s["producer"], CalendarFeedKind.SHOW_MILESTONES, s["show"])
    make_feed(s["artist"])
    gone, _ = make_feed(s["producer"])
    feeds.calendar_feed_revoke(actor=s["producer"], feed=gone)

    response = logged_in(s["producer"]).get(reverse("schedules:my_calendars"))

    assert response.status_code == 200
    assert [f.pk for f in response.context["live_feeds"]] == [mine.pk]
    assert [f.pk for f in response.context["revoked_feeds"]] == [gone.pk]
    body = response.content.decode()
    assert 'Milestones of <span class="code">RBT</span> Robot Tales' in body
    assert f'action="/my/calendars/{mine.pk}/revoke/"' in body
    assert f'action="/my/calendars/{gone.pk}/revoke/"' not in body
    assert '<option value="{}">RBT · Robot Tales</option>'.format(s["show"].pk) in body
    assert "Other Show" not in body
    assert "/calendar/" not in body  # no feed's address, ever, after the one time it is made


def test_my_calendars_names_no_show_i_left(studio):
    s = studio
    make_feed(s["producer"], CalendarFeedKind.SHOW_MILESTONES, s["show"])
    ShowMembership.objects.filter(person=s["producer"], show=s["show"]).delete()
    body = logged_in(s["producer"]).get(reverse("schedules:my_calendars")).content.decode()
    assert "Milestones of a show you no longer work on" in body
    assert "Robot Tales" not in body


def test_my_calendars_is_not_for_clients_nor_anonymous(studio):
    assert logged_in(studio["client"]).get(reverse("schedules:my_calendars")).status_code == 404
    assert logged_in(studio["client"]).post(reverse("schedules:my_calendars"), {"kind": "my_tasks"}).status_code == 404
    response = Client().get(reverse("schedules:my_calendars"))
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/my/calendars/")
    assert CalendarFeed.objects.count() == 0


def test_making_a_feed_shows_its_address_once_and_it_works(studio):
    s = studio
    http = logged_in(s["artist"])

    response = http.post(reverse("schedules:my_calendars"), {"kind": "my_tasks", "show": str(s["show"].pk)})

    assert response.status_code == 201
    assert response["Cache-Control"] == "private, no-store"
    feed = CalendarFeed.objects.get(person=s["artist"])
    url = response.context["created_url"]
    secret = url.removeprefix(f"{BASE}/calendar/").removesuffix(".ics")
    assert feed.token == hashlib.sha256(secret.encode()).hexdigest()
    assert feed.show is None  # the show select belongs to the milestone button
    body = response.content.decode()
    assert f'<input type="text" id="feed-url" value="{url}" readonly' in body
    assert f'href="webcal://slate.example/calendar/{secret}.ics"' in body
    assert "Google Calendar" in body and "Subscribe from web" in body and "New Calendar Subscription" in body
    assert Client().get(f"/calendar/{secret}.ics").status_code == 200
    assert secret not in http.get(reverse("schedules:my_calendars")).content.decode()


def test_making_a_milestone_feed_on_the_page(studio):
    s = studio
    response = logged_in(s["producer"]).post(
        reverse("schedules:my_calendars"), {"kind": "show_milestones", "show": str(s["show"].pk)}
    )
    assert response.status_code == 201
    assert CalendarFeed.objects.get(person=s["producer"]).show == s["show"]
    assert "Your new feed: milestones of Robot Tales" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"kind": "birthdays"},
            "<li>Feed: Choose what the feed lists: your due tasks, or a show&#x27;s milestones.</li>",
        ),
        ({}, "<li>Feed: Choose what the feed lists: your due tasks, or a show&#x27;s milestones.</li>"),
        (
            {"kind": "show_milestones"},
            '<li><a href="#feed-show">Show</a>: Choose the show whose milestones the feed lists.</li>',
        ),
        (
            {"kind": "show_milestones", "show": "OTHER"},
            '<li><a href="#feed-show">Show</a>: Choose one of the shows you work on: milestone feeds are for their '
            "staff.</li>",
        ),
        (
            {"kind": "show_milestones", "show": "99999999999999999999"},
            '<li><a href="#feed-show">Show</a>: Choose one of the shows you work on: milestone feeds are for their '
            "staff.</li>",
        ),
    ],
)
def test_bad_input_on_the_page_is_a_400_naming_the_field(studio, data, error):
    if data.get("show") == "OTHER":
        data = {**data, "show": str(studio["other_show"].pk)}
    response = logged_in(studio["artist"]).post(reverse("schedules:my_calendars"), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert CalendarFeed.objects.count() == 0


def test_revoking_on_the_page(studio):
    feed, path = make_feed(studio["artist"])
    http = logged_in(studio["artist"])
    response = http.post(reverse("schedules:calendar_feed_revoke", args=[feed.pk]))
    assert (response.status_code, response["Location"]) == (302, "/my/calendars/")
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is not None
    assert Client().get(path).status_code == 404
    assert http.get(reverse("schedules:calendar_feed_revoke", args=[feed.pk])).status_code == 405


def test_another_persons_feed_cannot_be_revoked(studio):
    feed, path = make_feed(studio["artist"])
    for who in ("producer", "client"):
        response = logged_in(studio[who]).post(reverse("schedules:calendar_feed_revoke", args=[feed.pk]))
        assert response.status_code == 404, who
    admin = PersonFactory(role=Role.ADMIN)
    assert logged_in(admin).post(reverse("schedules:calendar_feed_revoke", args=[feed.pk])).status_code == 404
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is None
    assert Client().get(path).status_code == 200


def _page_queries(studio, count: int) -> int:
    person = PersonFactory(role=Role.PRODUCER)
    MembershipFactory(person=person, show=studio["show"])
    for n in range(count):
        feed, _ = make_feed(
            person,
            CalendarFeedKind.SHOW_MILESTONES if n % 2 else CalendarFeedKind.MY_TASKS,
            studio["show"] if n % 2 else None,
        )
        if n % 3 == 0:
            feeds.calendar_feed_revoke(actor=person, feed=feed)
    http = logged_in(person)
    with CaptureQueriesContext(connection) as queries:
        response = http.get(reverse("schedules:my_calendars"))
    assert len(response.context["live_feeds"]) + len(response.context["revoked_feeds"]) == count
    return len(queries)


def test_my_calendars_query_count_does_not_grow_with_feeds(studio):
    assert _page_queries(studio, 2) == _page_queries(studio, 12)


def test_admin_lists_and_revokes_feeds_but_never_shows_or_makes_one(studio):
    feed, path = make_feed(studio["artist"])
    digest = CalendarFeed.objects.get(pk=feed.pk).token
    admin = PersonFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    http = logged_in(admin)
    change = http.get(reverse("admin:schedules_calendarfeed_change", args=[feed.pk]))
    assert change.status_code == 200
    assert digest not in change.content.decode() and feed.secret not in change.content.decode()
    assert http.get(reverse("admin:schedules_calendarfeed_add")).status_code == 403
    revoked_at = timezone.localtime(timezone.now())
    response = http.post(
        reverse("admin:schedules_calendarfeed_change", args=[feed.pk]),
        {"revoked_at_0": revoked_at.strftime("%Y-%m-%d"), "revoked_at_1": revoked_at.strftime("%H:%M:%S")},
    )
    assert response.status_code == 302
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is not None
    assert Client().get(path).status_code == 404


def test_a_refused_form_keeps_the_chosen_show_and_times_are_the_persons(studio):
    s = studio
    feed, _ = make_feed(s["artist"])
    response = logged_in(s["artist"]).post(
        reverse("schedules:my_calendars"), {"kind": "birthdays", "show": str(s["show"].pk)}
    )
    body = response.content.decode()
    assert f'<option value="{s["show"].pk}" selected>RBT · Robot Tales</option>' in body
    assert "Times on this page are in your time zone, Europe/Paris." in body
    made = timezone.localtime(feed.created_at, timezone=ZoneInfo("Europe/Paris"))
    assert f'<time datetime="{made.isoformat()}">{made:%a} {made.day} {made:%b %Y %H:%M}</time>' in body


def test_text_with_ics_special_characters_round_trips(studio):
    name = "Lock, v2; final\\cut\nfor real"
    MilestoneFactory(show=studio["show"], department=None, name=name, date=dt.date(2027, 1, 4))
    body = feeds.show_milestones_ics(studio["artist"], studio["show"])
    assert [e[3] for e in events(body)] == [name]
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded as RFC 5545 asks


def test_seed_feeds_demo_returns_a_working_address(studio):
    url = feeds.seed_feeds_demo(person=studio["artist"])
    assert Client().get(url.removeprefix(BASE)).status_code == 200
