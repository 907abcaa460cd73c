"""The audit log is append-only and hash-chained; verify finds the first broken link."""

import itertools

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from thiqa.audit.models import GENESIS, AppendOnlyError, AuditEvent
from thiqa.audit.services import record, verify


@pytest.fixture
def chain(db, member):
    return [
        record(f"test.event{i}", actor=member, target=member, data={"n": i, "text": "نص عربي"})
        for i in range(5)
    ]


def _without_append_only_guard(sql: str, params: list) -> None:
    """What an attacker with database access does: bypass the triggers and edit rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")
            cursor.execute(sql, params)


def test_events_are_chained_from_genesis(chain):
    assert chain[0].seq == 1 and chain[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash and after.seq == before.seq + 1
    assert verify() == (5, None)


def test_verify_finds_an_altered_row(chain):
    _without_append_only_guard("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["test.forged", 3])
    checked, broken = verify()
    assert checked == 2
    assert broken.seq == 3 and "content" in broken.reason


def test_verify_finds_a_deleted_row(chain):
    _without_append_only_guard("DELETE FROM audit_auditevent WHERE seq = %s", [2])
    checked, broken = verify()
    assert (checked, broken.seq) == (1, 2)


def test_verify_finds_a_rewritten_link(chain):
    forged = AuditEvent(
        seq=4,
        at=chain[3].at,
        action="test.event3",
        actor_id=chain[3].actor_id,
        actor_label=chain[3].actor_label,
        target_type=chain[3].target_type,
        target_id=chain[3].target_id,
        data={"n": 99},
        prev_hash=chain[3].prev_hash,
    )
    _without_append_only_guard(
        "UPDATE audit_auditevent SET data = %s, hash = %s WHERE seq = %s",
        ['{"n": 99}', forged.compute_hash(), 4],
    )
    _checked, broken = verify()
    assert broken.seq == 5 and "previous" in broken.reason


def test_the_orm_refuses_changes_and_deletes(chain):
    with pytest.raises(AppendOnlyError):
        chain[0].save()
    with pytest.raises(AppendOnlyError):
        chain[0].delete()


def test_the_database_refuses_changes_and_deletes(chain):
    for statement in (
        "UPDATE audit_auditevent SET action = 'x' WHERE seq = 1",
        "DELETE FROM audit_auditevent WHERE seq = 1",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert verify() == (5, None)


def test_an_event_is_rolled_back_with_the_work_it_records(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        record("test.doomed")
        raise RuntimeError("the operation failed")
    assert not AuditEvent.objects.exists()
    assert record("test.next").seq == 1


def test_the_verify_command_reports_the_first_broken_link(chain, capsys):
    call_command("audit", "verify")
    assert "intact: 5 events" in capsys.readouterr().out
    _without_append_only_guard("UPDATE audit_auditevent SET actor_label = %s WHERE seq = %s", ["x@y", 4])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert "BROKEN at event #4" in capsys.readouterr().err


def test_sign_in_failures_are_recorded_without_the_password(client, member):
    client.post("/accounts/signin/", {"email": member.email, "password": "hunter2-secret-guess"})
    event = AuditEvent.objects.get(action="signin.failed")
    assert event.data == {"email": member.email, "reason": "password"}
    assert "hunter2" not in str(AuditEvent.objects.values_list("data", flat=True))
    assert event.ip == "127.0.0.1"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    import threading

    from django.db import connections

    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    record("test.concurrent", data={"writer": n, "i": i})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert verify() == (40, None)
