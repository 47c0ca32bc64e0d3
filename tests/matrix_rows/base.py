"""Shared vocabulary of the permission matrix: roles, expected answers, rows, URL builders.

Each module in tests/matrix_rows/ (other than this one) defines ROWS: dict[url name, Row]; the matrix in
tests/test_permission_matrix.py merges them all and fails when a URL has no row, or two modules claim one.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from tests.permission_world import World

ROLES = ("artist", "supervisor", "coordinator", "production_manager", "producer", "admin", "client", "anonymous")


@dataclass(frozen=True)
class Redirect:
    """A redirect to exactly this Location; LOGIN means the login page with ?next=<the requested path>."""

    to: str
    status: int = 302


LOGIN = Redirect("LOGIN")
ADMIN_LOGIN = Redirect("/admin/login/?next=/admin/")
Expect = int | Redirect


def answers(default: Expect, **by_role: Expect) -> dict[str, Expect]:
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    return {role: by_role.get(role, default) for role in ROLES}


def page(default: Expect = 200, **by_role: Expect) -> dict[str, Expect]:
    """A login-required page: anonymous people are sent to log in."""
    return answers(default, anonymous=LOGIN, **by_role)


def api(default: Expect = 200, **by_role: Expect) -> dict[str, Expect]:
    """An API endpoint: anonymous requests get 401 (TokenAuthentication's challenge comes first)."""
    return answers(default, anonymous=401, **by_role)


@dataclass(frozen=True)
class Row:
    path: Callable[[World, str], str]  # (world, "own" | "other") -> the URL path
    own: dict[str, Expect]
    other: dict[str, Expect] | None = None  # None: the URL takes no object, "own" is the only column


def fixed(name: str) -> Callable[[World, str], str]:
    return lambda w, which: reverse(name)


def of(name: str, **kwargs: Callable) -> Callable[[World, str], str]:
    """A URL naming an object of the column's show, e.g. of("api:shot-detail", pk=lambda s: s.shot.pk)."""
    return lambda w, which: reverse(name, kwargs={key: get(w.show(which)) for key, get in kwargs.items()})
