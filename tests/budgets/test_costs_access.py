"""Amounts leak nowhere: every costs URL (pages and API, both shows), GET and POST, as every role of the permission
world; only the show's producers and admins ever read an amount. The matrix (tests/test_permission_matrix.py) checks
the status codes and the world's texts; this checks the world's money: the rate card (450.00), the artist's own rate
(520.00), the expense (1200.00) and the budget line (54000.00), in any spelling a page or the API would use."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import permission_world
from tests.matrix_rows.base import ROLES
from tests.matrix_rows.budgets_costs import ROWS

pytestmark = pytest.mark.django_db
world = permission_world.world

AMOUNTS = ("450.00", "450,00", "520.00", "520,00", "1200.00", "1,200.00", "54000", "54,000")
MAY_SEE_MONEY = {"producer", "admin"}


def body_of(response) -> str:
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("role", [r for r in ROLES if r not in MAY_SEE_MONEY])
def test_no_amount_reaches_anyone_else(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world.people[role])
    leaks = []
    for row in ROWS.values():
        for which in ("own", "other") if row.other is not None else ("own",):
            path = row.path(world, which)
            for response in (client.get(path), client.post(path, {"amount": "1", "form": "card"})):
                assert response.status_code in (302, 400, 401, 403, 404, 405), (path, response.status_code)
                leaks += [f"{path}: {a}" for a in AMOUNTS if a in body_of(response)]
    assert leaks == []


@pytest.mark.parametrize("role", sorted(MAY_SEE_MONEY))
def test_the_producer_and_admin_do_read_the_amounts(world, role):
    """The scan above can fail: the same amounts are on the pages of those who may see them."""
    client = Client()
    client.force_login(world.people[role])
    assert "450.00 EUR" in body_of(client.get("/rates/")) and "520.00 EUR" in body_of(client.get("/rates/"))
    assert "1,200.00 EUR" in body_of(client.get(f"/shows/{world.own.show.code}/expenses/"))
    assert "54,000.00 EUR" in body_of(client.get(f"/shows/{world.own.show.code}/costs/"))


def test_a_production_manager_may_see_department_totals_but_not_these_pages(world):
    """can_see_department_totals is for the schedule dashboard's department totals; these pages show rates and
    people's costs, so the production manager gets a 403 on them."""
    client = Client()
    client.force_login(world.people["production_manager"])
    assert client.get(f"/shows/{world.own.show.code}/costs/").status_code == 403
    assert client.get("/api/v1/rate-cards/").status_code == 403
