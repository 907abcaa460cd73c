from django.db import models


class Heartbeat(models.Model):
    """The last time a background worker ran the heartbeat task: proof that workers take
    tasks from the queue, not only that a process is alive."""

    worker = models.CharField(max_length=200, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker} at {self.at:%Y-%m-%d %H:%M:%S}"
