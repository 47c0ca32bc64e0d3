"""Schedule pages: dashboard (routes in `urlpatterns`, included by schedules/urls.py)."""

urlpatterns: list = []
