from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from thiqa.operations.models import Heartbeat
from thiqa.operations.tasks import heartbeat, prune_task_results


def test_finished_tasks_older_than_the_setting_are_forgotten(db, settings):
    settings.THIQA_TASK_RESULT_DAYS = 7
    for _ in range(3):
        heartbeat.enqueue()
    results = list(DBTaskResult.objects.order_by("pk"))
    now = timezone.now()
    DBTaskResult.objects.filter(pk=results[0].pk).update(
        status="SUCCESSFUL", finished_at=now - timedelta(days=8)
    )
    DBTaskResult.objects.filter(pk=results[1].pk).update(
        status="SUCCESSFUL", finished_at=now - timedelta(days=6)
    )
    # results[2] is still waiting: never pruned, however old
    DBTaskResult.objects.filter(pk=results[2].pk).update(enqueued_at=now - timedelta(days=30))
    Heartbeat.objects.create(worker="gone:1", at=now - timedelta(days=2))
    Heartbeat.objects.create(worker="here:2", at=now)

    assert prune_task_results.call() == 1
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {results[1].pk, results[2].pk}
    assert list(Heartbeat.objects.values_list("worker", flat=True)) == ["here:2"]
