"""The inbox: the notes addressed to me, unread first; mark read; publishing held client notes."""

urlpatterns: list = []
