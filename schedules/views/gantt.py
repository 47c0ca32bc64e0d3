"""Schedule pages: gantt (routes in `urlpatterns`, included by schedules/urls.py)."""

urlpatterns: list = []
