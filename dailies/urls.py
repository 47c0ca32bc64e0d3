from django.urls import path

from . import views

app_name = "dailies"
urlpatterns = [path("dailies/", views.session_list, name="session_list")]
