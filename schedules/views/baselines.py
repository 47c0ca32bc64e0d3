"""Schedule pages: baselines (routes in `urlpatterns`, included by schedules/urls.py)."""

urlpatterns: list = []
