"""Schedule pages: planning (routes in `urlpatterns`, included by schedules/urls.py)."""

urlpatterns: list = []
