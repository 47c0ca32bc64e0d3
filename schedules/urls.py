from .views import baselines, dashboard, feeds, gantt, planning, timesheets

app_name = "schedules"
urlpatterns = [
    *planning.urlpatterns,
    *timesheets.urlpatterns,
    *baselines.urlpatterns,
    *dashboard.urlpatterns,
    *gantt.urlpatterns,
    *feeds.urlpatterns,
]
