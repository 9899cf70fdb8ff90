import os
import socket

from celery import shared_task
from django.utils import timezone


@shared_task(name="klipperiwc.ping")
def ping() -> dict:
    """Answered by any worker; `manage.py ping_worker` uses it to prove the queue works."""
    return {"pong": True, "worker": socket.gethostname(), "pid": os.getpid(), "at": timezone.now().isoformat()}
