from django.urls import path

app_name = "activation_plans"

urlpatterns: list = []
