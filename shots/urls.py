from django.urls import path

from . import views

app_name = "shots"
urlpatterns = [
    path("my/tasks/", views.my_tasks, name="my_tasks"),
    path("review/", views.review_queue, name="review_queue"),
]
