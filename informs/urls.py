app_name = "informs"
urlpatterns: list = []
