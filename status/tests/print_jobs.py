"""Moonraker history jobs, as server.history.list and notify_history_changed send them."""

START = 1_795_000_000.25  # 2026-11-18T...Z


def history_job(job_id="000001", status="completed", *, start=START, duration=3600.0, **fields) -> dict:
    final = status != "in_progress"
    job = {
        "job_id": job_id,
        "user": "_TRUSTED_USER_",
        "filename": f"parts/{job_id}.gcode",
        "exists": True,
        "status": status,
        "start_time": start,
        "end_time": start + duration + 60 if final else None,
        "print_duration": duration,
        "total_duration": duration + 60,
        "filament_used": 1234.5,
        "metadata": {
            "size": 123456,
            "modified": start - 100,
            "slicer": "PrusaSlicer",
            "slicer_version": "2.7.1",
            "layer_height": 0.2,
            "first_layer_height": 0.3,
            "object_height": 42.0,
            "filament_total": 1500.0,
            "estimated_time": 3700,
            "thumbnails": [{"width": 32, "height": 32, "size": 1000, "relative_path": ".thumbs/a-32x32.png"}],
        },
        "auxiliary_data": [],
    }
    job.update(fields)
    return job
