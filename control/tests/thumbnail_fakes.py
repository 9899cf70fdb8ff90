"""A fake Moonraker's answers for the thumbnail tests: a file's metadata and its thumbnail images."""

from __future__ import annotations

from control.tests.conftest import Answer
from control.tests.thumbnails import png_bytes

PNG = png_bytes(300, 200)
MODIFIED = 1_795_000_000.5


def serve_file(
    fake,
    name: str = "cube.gcode",
    *,
    thumbnails=((PNG, 300, 200),),
    modified: float = MODIFIED,
    size_listed: int | None = None,
    extension: str = "png",
):
    """The fake answers metadata for ``name`` (at ``modified``) listing ``thumbnails``, and serves their bytes."""
    folder = name.rpartition("/")[0]
    base = name.rpartition("/")[2].rsplit(".", 1)[0]
    listed = []
    for content, width, height in thumbnails:
        relative = f".thumbs/{base}-{width}x{height}.{extension}"
        listed.append(
            {"width": width, "height": height, "size": size_listed or len(content), "relative_path": relative}
        )
        path = f"/server/files/gcodes/{folder + '/' if folder else ''}{relative}"
        fake.answer("GET", path, Answer(200, content))

    def metadata(seen):
        if seen.query.get("filename") != [name]:
            return Answer(404, {"error": {"code": 404, "message": f"Metadata not available for {seen.query}"}})
        return Answer(200, {"result": {"filename": name, "modified": modified, "size": 1000, "thumbnails": listed}})

    fake.answer("GET", "/server/files/metadata", metadata)


def asked(fake) -> list[str]:
    """The paths the fake was asked for, metadata and images."""
    return [seen.path for seen in fake.requests]
