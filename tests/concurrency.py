"""Races made deterministic: a concurrent request's transaction, held open until the test's own write waits for it.

    def winner(wait_for_the_test):
        planning.holiday_add(actor=pm, show=show, date=D(2026, 12, 24))
        wait_for_the_test()  # the holiday is written, not committed

    with concurrently(winner) as race:
        planning.holiday_add(...)  # passes the check (it cannot see the holiday), then waits on the unique index
    assert race.waited  # the test's write did wait for the other transaction: the race really happened

`winner` runs in a thread, on its own connection, in one transaction. When it calls `wait_for_the_test()`, the test
goes on; the thread waits until the test's connection is blocked by its transaction (pg_blocking_pids), then
carries on and commits. Tests using it need `django_db(transaction=True)`: the other connection must see the data.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction

TIMEOUT = 10.0  # seconds: a wait that never comes fails the test instead of hanging it


@dataclass
class Race:
    waited: bool = False  # the test's connection was blocked by the other transaction before it committed
    error: BaseException | None = None
    _paused: threading.Event = field(default_factory=threading.Event)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@contextlib.contextmanager
def concurrently(write: Callable[[Callable[[], None]], object]) -> Iterator[Race]:
    race = Race()
    test_pid = _backend_pid()

    def wait_for_the_test() -> None:
        race._paused.set()
        deadline = time.monotonic() + TIMEOUT
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute("SELECT pg_backend_pid() = ANY(pg_blocking_pids(%s))", [test_pid])
                if cursor.fetchone()[0]:
                    race.waited = True
                    time.sleep(0.05)  # let the test's statement settle in its wait
                    return
                time.sleep(0.01)

    def run() -> None:
        try:
            with transaction.atomic():
                write(wait_for_the_test)
        except BaseException as error:  # noqa: BLE001 - handed to the test, which raises it
            race.error = error
        finally:
            race._paused.set()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert race._paused.wait(TIMEOUT), "the other transaction never reached wait_for_the_test()"
        if race.error is not None:
            raise race.error
        yield race
    finally:
        thread.join(TIMEOUT * 2)
    if race.error is not None:
        raise race.error
