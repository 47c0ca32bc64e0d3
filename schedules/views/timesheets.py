"""Schedule pages: timesheets (routes in `urlpatterns`, included by schedules/urls.py)."""

urlpatterns: list = []
