"""Schedule pages: feeds (routes in `urlpatterns`, included by schedules/urls.py)."""

urlpatterns: list = []
