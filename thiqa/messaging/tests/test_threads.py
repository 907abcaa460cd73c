"""Threads: replies go to the author (or, from the author, to the same people), keep the
label or a stricter one, count as acknowledgements; forwards obey the label; search finds
only what a person may read."""

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_contact, make_user
from thiqa.audit.models import AuditEvent
from thiqa.lib import wordsearch
from thiqa.lib.tlp import TLP
from thiqa.mail.models import OutboundMessage
from thiqa.messaging import inbox, services
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Message
from thiqa.messaging.tests.helpers import consultation, incident, state

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def thread(focal_point, participant, other_participant):
    make_contact(other_participant, "technical", "cert@fr.example")
    make_contact(participant, "technical", "cert@eg.example")
    analyst = make_user("cert@fr.example", other_participant, "member")
    message = services.send(
        focal_point, participant, incident(Addressees(participants=[other_participant], roles=["technical"]))
    )
    return {"message": message, "analyst": analyst}


def test_a_reply_goes_to_the_author_and_answers_for_the_participant(thread, focal_point):
    message, analyst = thread["message"], thread["analyst"]
    answer = services.reply(analyst, message, "We see the same infrastructure.")
    assert answer.thread == message and answer.parent == message and answer.kind == "reply"
    assert answer.subject == "Re: " + message.subject and answer.tlp == message.tlp
    (row,) = answer.recipients.all()
    assert row.user == focal_point and row.addresses == [focal_point.email]
    original = message.recipients.get()
    assert original.answered_at and original.acknowledged_at  # answering acknowledges too
    # Answering the answer goes back to its author; the author's follow-up to their own
    # message goes to the same people as the first message.
    back = services.reply(focal_point, answer, "Thank you.")
    assert [r.user for r in back.recipients.all()] == [analyst]
    follow_up = services.reply(focal_point, message, "Sharing more soon.")
    assert [r.contact.emails for r in follow_up.recipients.all()] == [["cert@fr.example"]]
    assert inbox.thread(focal_point, message) == [message, answer, back, follow_up]
    assert AuditEvent.objects.filter(action="messaging.replied").count() == 3


def test_a_reply_cannot_loosen_the_label(thread):
    with pytest.raises(services.InvalidMessage, match="stricter"):
        services.reply(thread["analyst"], thread["message"], "x", label=TLP.GREEN)
    stricter = services.reply(thread["analyst"], thread["message"], "x", label=TLP.RED)
    assert stricter.tlp == TLP.RED


def test_forwarding_amber_stays_in_the_organization(thread, participant, other_participant):
    analyst = thread["analyst"]
    own = make_contact(other_participant, "policy", "policy@fr.example")
    outside = make_contact(state("DE", "Germany", "ألمانيا"), "technical", "cert@de.example")
    forwarded = services.forward(
        analyst, thread["message"], Addressees(contacts=[own]), "For your information."
    )
    assert forwarded.forwarded_from == thread["message"] and forwarded.subject.startswith("Fwd: ")
    assert forwarded.tlp == TLP.AMBER and forwarded.body.startswith("For your information.")
    assert forwarded.fields == thread["message"].fields
    with pytest.raises(services.InvalidMessage, match="Germany"):
        services.forward(analyst, thread["message"], Addressees(contacts=[outside]))
    # Tightening a GREEN message to AMBER on the way narrows where it may go.
    green = services.send(
        thread["message"].sender,
        participant,
        incident(Addressees(participants=[other_participant], roles=["technical"]), tlp=TLP.GREEN),
    )
    assert services.forward(analyst, green, Addressees(contacts=[outside])).tlp == TLP.GREEN
    with pytest.raises(services.InvalidMessage, match="TLP:AMBER does not allow"):
        services.forward(analyst, green, Addressees(contacts=[outside]), label=TLP.AMBER)


def test_red_is_never_forwarded(thread, focal_point, participant, other_participant):
    red = services.send(
        focal_point,
        participant,
        incident(Addressees(participants=[other_participant], roles=["technical"]), tlp=TLP.RED),
    )
    with pytest.raises(PermissionDenied):
        services.forward(
            thread["analyst"], red, Addressees(contacts=[make_contact(other_participant, "policy")])
        )
    assert not Message.objects.filter(forwarded_from=red).exists()


def test_forwarded_attachments_keep_the_same_file(thread, focal_point, participant, other_participant):
    from thiqa.lib.files import Upload

    sent = services.send(
        focal_point,
        participant,
        incident(
            Addressees(participants=[other_participant], roles=["technical"]),
            tlp=TLP.GREEN,
            uploads=[Upload("iocs.json", b'{"ips": ["203.0.113.7"]}')],
        ),
    )
    forwarded = services.forward(
        thread["analyst"], sent, Addressees(contacts=[make_contact(other_participant, "policy")])
    )
    assert [a.sha256 for a in forwarded.attachments.all()] == [a.sha256 for a in sent.attachments.all()]


def test_search_in_arabic_and_english_finds_only_readable_messages(
    focal_point, participant, other_participant
):
    make_contact(other_participant, "policy", "policy@fr.example")
    outsider = make_user("member@de.example", state("DE", "Germany", "ألمانيا"), "member")
    sent = services.send(
        focal_point,
        participant,
        consultation(
            Addressees(participants=[other_participant], roles=["policy"]),
            subject="مشاورات بشأن الهجمات على شبكات الكهرباء",
            body="We propose consultations about attacks on electricity networks.",
        ),
    )
    mine = inbox.sent(focal_point)
    assert list(inbox.search(mine, "الهجمات")) == [sent]
    assert list(inbox.search(mine, "الهجمة")) == [sent]  # the same stem, another form
    assert list(inbox.search(mine, "attack network")) == [sent]
    assert not inbox.search(mine, "attack volcano").exists()
    assert not inbox.search(inbox.everything(outsider), "الهجمات").exists()
    with pytest.raises(wordsearch.QueryError):
        inbox.search(mine, "x" * 501)


def test_unread_counts_are_per_person(thread, other_participant):
    analyst = thread["analyst"]
    colleague = make_user("duty@fr.example", other_participant, "member")
    assert inbox.unread_count(analyst) == 1 and inbox.unread_count(colleague) == 1
    services.open_message(analyst, thread["message"])
    assert inbox.unread_count(analyst) == 0 and inbox.unread_count(colleague) == 1
    assert AuditEvent.objects.filter(action="messaging.read", actor=analyst).count() == 1


def test_the_email_copy_of_a_reply_goes_to_the_author_address(thread, focal_point):
    services.reply(thread["analyst"], thread["message"], "Seen.")
    assert OutboundMessage.objects.filter(purpose="messaging.copy", recipients=[focal_point.email]).exists()
