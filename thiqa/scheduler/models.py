from django.db import models


class ScheduledJob(models.Model):
    """When a registered periodic task is next due. Shared by every worker."""

    name = models.CharField(max_length=200, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
