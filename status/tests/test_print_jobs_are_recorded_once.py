"""print_jobs_record keeps each Moonraker job once per printer, with its final status, however often it hears of it."""

from datetime import UTC, datetime

import pytest

from status.models import PrintJob
from status.printer_services import print_jobs_record
from status.tests.factories import make_printer
from status.tests.print_jobs import START, history_job

pytestmark = pytest.mark.django_db


def test_a_job_is_stored_with_its_times_durations_and_slicer_data():
    printer = make_printer()

    assert print_jobs_record(printer=printer, jobs=[history_job()]) == 1

    job = PrintJob.objects.get()
    assert (job.printer, job.job_id, job.filename, job.status) == (printer, "000001", "parts/000001.gcode", "completed")
    assert job.started_at == datetime.fromtimestamp(START, UTC)
    assert job.ended_at == datetime.fromtimestamp(START + 3660, UTC)
    assert (job.print_duration, job.total_duration, job.filament_used) == (3600.0, 3660.0, 1234.5)
    assert (job.estimated_time, job.filament_total, job.layer_height, job.object_height) == (3700.0, 1500.0, 0.2, 42.0)
    assert job.metadata["slicer"] == "PrusaSlicer"
    assert "estimated_time" not in job.metadata  # in its own column


def test_repeats_store_nothing_twice():
    printer = make_printer()
    jobs = [history_job("000001"), history_job("000002", start=START + 7200), history_job("000003", "in_progress")]

    assert print_jobs_record(printer=printer, jobs=jobs) == 3
    for _ in range(3):
        assert print_jobs_record(printer=printer, jobs=jobs) == 0  # unchanged: not even rewritten
    assert print_jobs_record(printer=printer, jobs=jobs + jobs) == 0

    assert PrintJob.objects.count() == 3


def test_the_same_job_id_on_two_printers_is_two_jobs():
    one, two = make_printer("farm-1"), make_printer("farm-2")

    print_jobs_record(printer=one, jobs=[history_job()])
    print_jobs_record(printer=two, jobs=[history_job()])

    assert PrintJob.objects.count() == 2


def test_a_job_goes_from_in_progress_to_its_final_status():
    printer = make_printer()
    print_jobs_record(printer=printer, jobs=[history_job(status="in_progress", duration=10)])
    assert PrintJob.objects.get().ended_at is None

    assert print_jobs_record(printer=printer, jobs=[history_job(status="cancelled", duration=600)]) == 1

    job = PrintJob.objects.get()
    assert (job.status, job.print_duration) == ("cancelled", 600)
    assert job.ended_at is not None


def test_a_late_in_progress_report_does_not_undo_the_final_status():
    printer = make_printer()
    print_jobs_record(printer=printer, jobs=[history_job(status="completed")])

    # An older notify_history_changed "added", or a list taken before the job ended.
    assert print_jobs_record(printer=printer, jobs=[history_job(status="in_progress", duration=5)]) == 0

    job = PrintJob.objects.get()
    assert (job.status, job.print_duration) == ("completed", 3600.0)


def test_in_one_call_the_final_report_wins_in_either_order():
    printer = make_printer()
    final, running = history_job(status="error"), history_job(status="in_progress")

    print_jobs_record(printer=printer, jobs=[final, running])
    assert PrintJob.objects.get().status == "error"
    print_jobs_record(printer=printer, jobs=[running, final])
    assert PrintJob.objects.get().status == "error"


def test_a_final_status_can_be_corrected_by_another_final_one():
    # Moonraker marks jobs it finds in_progress after a restart as interrupted, then may learn more.
    printer = make_printer()
    print_jobs_record(printer=printer, jobs=[history_job(status="interrupted")])

    print_jobs_record(printer=printer, jobs=[history_job(status="klippy_shutdown")])

    assert PrintJob.objects.get().status == "klippy_shutdown"


def test_a_running_job_is_updated_while_it_prints():
    printer = make_printer()
    print_jobs_record(printer=printer, jobs=[history_job(status="in_progress", duration=10)])

    assert print_jobs_record(printer=printer, jobs=[history_job(status="in_progress", duration=20)]) == 1

    assert PrintJob.objects.get().print_duration == 20
