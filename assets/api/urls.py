from django.urls import path, re_path

from assets.api import views
from klipperiwc_site.converters import AssetIdConverter

app_name = "assets"

# The product description writes /api/board-assets/{id} without a trailing slash; both forms work.
# Only a real UUID matches: anything else is a 404 before it reaches the UUID field.
ASSET = rf"(?P<asset_id>{AssetIdConverter.regex})"

urlpatterns = [
    path("", views.BoardAssetListView.as_view(), name="list"),
    path("moderation/pending", views.ModerationQueueView.as_view(), name="moderation-pending"),
    re_path(rf"^{ASSET}/?$", views.BoardAssetDetailView.as_view(), name="detail"),
    re_path(rf"^{ASSET}/moderation/?$", views.ModerationDecisionView.as_view(), name="moderation"),
    re_path(rf"^{ASSET}/file$", views.AssetFileView.as_view(variant="file"), name="file"),
    re_path(rf"^{ASSET}/thumbnail$", views.AssetFileView.as_view(variant="thumbnail"), name="thumbnail"),
]
