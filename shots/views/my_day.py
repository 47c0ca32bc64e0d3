"""The artist's and the supervisor's day: My tasks and the review queue."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from studio.htmx import render_page

from .. import selectors


@login_required
def my_tasks(request):
    tasks = selectors.my_open_tasks(request.user)
    return render_page(request, "shots/my_tasks.html", {"tasks": tasks}, partial="task-table")


@login_required
def review_queue(request):
    versions = selectors.pending_review_versions(request.user)
    return render_page(request, "shots/review_queue.html", {"versions": versions}, partial="version-table")


urlpatterns = [
    path("my/tasks/", my_tasks, name="my_tasks"),
    path("review/", review_queue, name="review_queue"),
]
