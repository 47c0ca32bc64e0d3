from django.contrib.auth.decorators import login_required

from studio.htmx import render_page

from . import selectors


@login_required
def my_tasks(request):
    tasks = selectors.my_open_tasks(request.user)
    return render_page(request, "shots/my_tasks.html", {"tasks": tasks}, partial="task-table")


@login_required
def review_queue(request):
    versions = selectors.pending_review_versions(request.user)
    return render_page(request, "shots/review_queue.html", {"versions": versions}, partial="version-table")
