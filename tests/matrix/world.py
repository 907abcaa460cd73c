"""The world of the role matrix: the demo data set, plus one person per role and the few
objects the demo lacks (a message per TLP label with an attachment, a draft submission, a
contact marked for the secretariat only, an incident per TLP label with its TAXII objects,
posted TAXII objects (AMBER, with its status, and RED), a compilation PDF, a public submission
with two versions), built once per test module.

The roles are those of issue 15: the secretariat, a focal point, a member and an observer of
one participant (Egypt, "EG"), the people of another participant (France's focal point), a
person outside the community (signed in, no active role) and an anonymous visitor."""

import random
from dataclasses import dataclass, field
from datetime import timedelta
from io import StringIO
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import make_contact, make_user
from thiqa.accounts import services as accounts
from thiqa.accounts.models import ApiToken, Participant, ParticipantGroup, User
from thiqa.activities import services as activities
from thiqa.checks.models import CheckRound, Ping
from thiqa.incidents import services as incidents
from thiqa.incidents.scales import current_levels
from thiqa.lib.files import Upload
from thiqa.lib.tlp import TLP
from thiqa.messaging import services as messaging
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Message, Recipient
from thiqa.messaging.services import Draft
from thiqa.reporting import compilation_pdfs
from thiqa.reporting import services as reporting
from thiqa.reporting.models import Audience, Cycle, Response
from thiqa.reporting.sample import sample_answers
from thiqa.taxii import stix, store

# said in the first version of the versioned submission only, not in what was submitted
FIRST_VERSION_NOTE = "Drafted by the matrix wombat desk."

ROLES = ("secretariat", "focal_point", "member", "observer", "other_participant", "outsider", "anonymous")
LABELS = (TLP.RED, TLP.AMBER, TLP.CLEAR)


@dataclass
class World:
    people: dict[str, User | AnonymousUser]
    secrets: dict[str, str]  # read-write API token of each signed-in role
    read_secrets: dict[str, str]  # read-only API token of each signed-in role
    own: Participant  # the participant of the focal point, member and observer (EG)
    other: Participant  # the other participant (FR)
    messages: dict[str, Message]  # by TLP label, sent by the member to KE's technical contact
    objects: dict[str, Any] = field(default_factory=dict)
    feeds: dict[str, str] = field(default_factory=dict)  # each person's calendar feed URL
    acting: str = ""  # the role a probe is asked for
    _clients: dict[tuple[str, str], Client] = field(default_factory=dict)

    def user(self, role: str) -> User | AnonymousUser:
        return self.people[role]

    def token(self, role: str) -> ApiToken | None:
        secret = self.secrets.get(role)
        return accounts.token_for(secret) if secret else None

    def client(self, role: str, surface: str) -> Client:
        """A browser session for pages, a bearer token for the API (``read-api``: a read-only
        one), nothing for anonymous."""
        kind = surface if surface in ("api", "read-api") else "session"
        key = (role, kind)
        if key not in self._clients:
            if role == "anonymous":
                client = Client()
            elif kind != "session":
                secret = (self.secrets if kind == "api" else self.read_secrets)[role]
                client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
            else:
                client = Client()
                client.force_login(self.people[role])
            self._clients[key] = client
        return self._clients[key]


def _incident(label: str) -> Draft:
    return Draft(
        kind="incident_notification",
        tlp=label,
        subject=f"Matrix zebu{label.lower().replace('+', '')} incident",
        body="The grid operator's billing systems are encrypted.",
        to=Addressees(participants=[Participant.objects.get(code="KE")], roles=["technical"]),
        fields={
            "detected_at": "2026-11-30T08:15",
            "sectors": ["energy"],
            "severity": "4",
            "incident_status": "ongoing",
            "impact": "Billing is down.",
            "indicators": "203.0.113.7",
        },
        acknowledge_within_hours=24,
        uploads=[Upload("indicators.csv", b"type,value\nipv4,203.0.113.7\n")],
    )


def build() -> World:
    """Load the demo data and add the matrix's people and objects (call inside a transaction)."""
    with override_settings(EMAIL_BACKEND="thiqa.mail.backends.OutboxBackend"):
        call_command("demo", no_serve=True, verbosity=0, stdout=StringIO())
        own, other = Participant.objects.get(code="EG"), Participant.objects.get(code="FR")
        people: dict[str, Any] = {
            "secretariat": User.objects.get(email="secretariat@thiqa.example"),
            "focal_point": User.objects.get(email="focal.eg@thiqa.example"),
            "member": User.objects.get(email="member.eg@thiqa.example"),
            "observer": make_user("observer.eg@thiqa.example", own, "observer"),
            "other_participant": User.objects.get(email="focal.fr@thiqa.example"),
            "outsider": make_user("nobody@outside.example", None, None),
            "anonymous": AnonymousUser(),
        }
        secrets, read_secrets = (
            {
                role: accounts.create_token(user, name=f"matrix {scope}", scope=scope, days=30)[1]
                for role, user in people.items()
                if role != "anonymous"
            }
            for scope in ("write", "read")
        )
        messages = {label: messaging.send(people["member"], own, _incident(label)) for label in LABELS}
        world = World(
            people=people, secrets=secrets, read_secrets=read_secrets, own=own, other=other, messages=messages
        )
        world.objects.update(_extras(world))
        world.objects.update(_incidents(world))
        world.objects["versioned_response"] = _versioned_response(world)
        for role in ROLES[:5]:  # the community subscribes to calendar feeds
            key = activities.regenerate_feed_key(people[role])
            world.feeds[role] = reverse("activities:feed", args=[activities.feed_token(key)])
        for role in ROLES:  # sessions are rows: open them now, not in a test that rolls back
            world.client(role, "page"), world.client(role, "api"), world.client(role, "read-api")
    for user in people.values():  # roles were cached while building; keep them fresh
        if isinstance(user, User):
            user.__dict__.pop("_thiqa_roles", None)
    return world


def _extras(world: World) -> dict[str, Any]:
    open_cycle = Cycle.objects.filter(closed_at__isnull=True, instrument="gca-self-assessment").get()
    draft = reporting.response_for(world.user("focal_point"), open_cycle, world.own)
    hidden = make_contact(
        world.own, "technical", "okapi.desk@eg.example", name="Okapi duty desk", secretariat_only=True
    )
    ping = Ping.objects.filter(participant=world.own).order_by("pk").first()
    Ping.objects.filter(pk=ping.pk).update(addresses=[world.user("member").email], acknowledged_at=None)
    CheckRound.objects.filter(pk=ping.round_id).update(status=CheckRound.Status.OPEN)
    scope = Response.objects.filter(participant=world.own, status="submitted").order_by("pk").first()
    question = reporting.ask(world.user("secretariat"), scope, "How is the national CERT staffed?")
    sent_to_own = Message.objects.filter(sender_participant=world.other, recipients__participant=world.own)
    recipient = Recipient.objects.filter(
        message=sent_to_own.order_by("pk").first(), participant=world.own
    ).first()
    return {
        "open_cycle": open_cycle,
        "draft_response": draft,
        "hidden_contact": hidden,
        "ping": Ping.objects.get(pk=ping.pk),
        "recipient": recipient,
        "question": question,
    }


def _incidents(world: World) -> dict[str, Any]:
    """An incident of EG's per TLP label (and a draft), recorded by the member; their objects
    enter EG's TAXII collection. The member also posts an indicator there (its status is
    the member's) and prepares the compilation PDF of a closed cycle."""
    member, level = world.user("member"), current_levels(world.own)[0]
    found: dict[str, Any] = {}
    for label in (*LABELS, "draft"):
        found[f"incident_{label}"] = incidents.record(
            member,
            world.own,
            title=f"Matrix quokka{label.lower().replace('+', '')} incident",
            tlp=TLP.AMBER if label == "draft" else label,
            detected_at="2026-11-30T08:15",
            summary="Defaced portals of the ministry.",
            national_level=level,
            indicators=["198.51.100.23"],
            draft=label == "draft",
        )
    collection = store.collection_of(participant=world.own)
    found["collection_own"] = collection
    found["collection_other"] = store.collection_of(participant=world.other)
    found["collection_group"] = store.collection_of(group=ParticipantGroup.objects.get(code="LAS"))
    found["collection_community"] = store.collection_of()
    # an AMBER indicator posted to the community's collection: everyone reads the collection,
    # only EG's people the object
    indicator = next(
        o for o in stix.incident_objects(found[f"incident_{TLP.AMBER}"]) if o["type"] == "indicator"
    )
    posted = {**indicator, "id": "indicator--6d1b7cf0-4b4e-4c55-9f0e-2a3e0c9e1a11", "name": "Posted"}
    community = found["collection_community"]
    found["taxii_status"] = store.add_objects(member, community, [posted])
    found["posted_object"] = community.stix_objects.get(stix_id=posted["id"])
    # and a RED one in EG's collection: read (and deleted) by the member who posted it alone
    red = {
        **posted,
        "id": "indicator--0b6f3c2e-9d7a-4e51-8c3b-5f2a1d0e4c22",
        "object_marking_refs": [stix.TLP2_MARKINGS[TLP.RED]],
    }
    store.add_objects(member, collection, [red])
    found["posted_red_object"] = collection.stix_objects.get(stix_id=red["id"])
    cycle = Response.objects.filter(participant=world.own, status="submitted").order_by("pk").first().cycle
    job = compilation_pdfs.request_pdf(member, cycle, "en")
    compilation_pdfs.prepare(job.pk)
    job.refresh_from_db()
    found["compilation_pdf"] = job
    return found


def _versioned_response(world: World) -> Response:
    """EG's public report in a cycle of its own, with two versions: a saved draft whose first
    answer's comment is ``FIRST_VERSION_NOTE``, then the submission, which says otherwise.
    Everyone reads the submission; only those who may see its versions read the draft, so
    a reader refused ``?version=1`` is shown the submission, without the note."""
    focal, today = world.user("focal_point"), timezone.localdate()
    cycle = reporting.open_cycle(
        world.user("secretariat"),
        instrument="un-gge-2013-implementation",
        title="Matrix GGE implementation report",
        period=str(today.year),
        opens_on=today - timedelta(days=1),
        due_on=today + timedelta(days=30),
    )
    response = reporting.response_for(focal, cycle, world.own)
    answers = sample_answers(cycle.definition, random.Random(15), 0.6, "en")
    first = next(iter(answers))

    def save(comment: str, *, keep_version: bool) -> None:
        answers[first] = {**answers[first], "comment": comment}
        reporting.save_draft(
            focal,
            response,
            answers=answers,
            language="en",
            audience=Audience.PUBLIC,
            keep_version=keep_version,
        )

    save(FIRST_VERSION_NOTE, keep_version=True)  # version 1, saved
    save("The national CERT answers.", keep_version=False)  # the working copy only
    reporting.submit(focal, response)  # version 2
    response.refresh_from_db()
    assert list(response.versions.values_list("number", "kind")) == [(2, "submitted"), (1, "saved")]
    return response
