from django.urls import path

from klipperiwc_site import converters  # noqa: F401 (registers <asset_id:> and <row_id:>)
from submissions import views

urlpatterns = [
    path("submissions", views.my_submissions, name="submissions"),
    path("submissions/<int:submission_id>", views.review, name="submission-review"),
    path("submissions/<int:submission_id>/decision", views.decide, name="submission-decide"),
    path("submissions/pictures/<asset_id:asset_id>/decision", views.picture_decide, name="picture-decide"),
    path("submissions/printers/<row_id:submission_id>", views.printer_review, name="printer-submission-review"),
    path(
        "submissions/printers/<row_id:submission_id>/decision",
        views.printer_decide,
        name="printer-submission-decide",
    ),
]
