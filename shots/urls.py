from .views import cuts, grid, my_day, shot_page

app_name = "shots"
urlpatterns = [*my_day.urlpatterns, *grid.urlpatterns, *shot_page.urlpatterns, *cuts.urlpatterns]
