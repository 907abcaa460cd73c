"""A ping's bounce, as Postfix and Exim send it, over SMTP into the running receiver: the
same DSN reader as message copies; the address becomes unreachable and counts in the
directory's health."""

import pytest

from conftest import make_contact
from thiqa.checks import services
from thiqa.checks.models import Ping
from thiqa.directory import services as directory
from thiqa.directory.models import Bounce, Contact
from thiqa.mail.services import deliver_due
from thiqa.mail.tests.realmail import dsn, live_receiver, send_raw

__all__ = ["live_receiver"]
pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def ping(secretariat, other_participant, smtp_sink) -> Ping:
    make_contact(other_participant, "technical", "cert@fr.example")
    check = services.start_round(secretariat, title="Q4 check", roles=["technical"])
    services.prepare_round(check)
    assert deliver_due() == 1
    return check.pings.get()


@pytest.mark.parametrize("mta", ["postfix", "exim"])
def test_a_failure_report_makes_the_ping_unreachable(ping, live_receiver, mta):
    bounce_to = services.bounce_address(ping)
    send_raw(live_receiver, dsn(bounce_to, "cert@fr.example", mta=mta), bounce_to)

    ping = Ping.objects.select_related("message").get(pk=ping.pk)
    assert ping.status == "unreachable" and ping.bounced == ["cert@fr.example"]
    (bounce,) = Bounce.objects.all()
    assert (bounce.source, bounce.status) == ("checks", "5.1.1")
    assert [c.pk for c in directory.bouncing_contacts(Contact.objects.all())] == [ping.contact_id]


def test_a_delay_report_changes_nothing(ping, live_receiver):
    bounce_to = services.bounce_address(ping)
    send_raw(live_receiver, dsn(bounce_to, "cert@fr.example", action="delayed", status="4.4.1"), bounce_to)

    ping = Ping.objects.select_related("message").get(pk=ping.pk)
    assert ping.status == "sent" and ping.bounced == []
    assert not Bounce.objects.exists()
