"""Background work of the audit room: the periodic checkpoint of the chain's head."""

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from thiqa.audit import checkpoint
from thiqa.scheduler.registry import every


@task()
def write_checkpoint() -> str:
    path = checkpoint.write()
    return str(path) if path else ""


every(timedelta(hours=getattr(settings, "THIQA_AUDIT_CHECKPOINT_HOURS", 24)))(write_checkpoint)
