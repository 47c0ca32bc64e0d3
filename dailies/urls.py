from .views import digests, inbox, sessions

app_name = "dailies"
urlpatterns = [*sessions.urlpatterns, *inbox.urlpatterns, *digests.urlpatterns]
