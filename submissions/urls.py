from django.urls import path

from submissions import views

urlpatterns = [
    path("submissions", views.my_submissions, name="submissions"),
    path("submissions/<int:submission_id>", views.review, name="submission-review"),
    path("submissions/<int:submission_id>/decision", views.decide, name="submission-decide"),
]
