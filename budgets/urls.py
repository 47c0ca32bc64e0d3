from .views import budgets, expenses, producer, rates

app_name = "budgets"
urlpatterns = [*rates.urlpatterns, *expenses.urlpatterns, *budgets.urlpatterns, *producer.urlpatterns]
