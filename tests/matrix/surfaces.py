"""The role matrix's table: for every action the policy declares, a sample target and the
surfaces that expose it (page, API, CLI, export, search, feed), each as a small probe.

A probe asks one surface on behalf of one role and tells whether the surface let the action
happen: by its status (allowed: any answer but a refusal; refused: 401, 403, 404 or a
redirect to sign in) or, where a surface always answers and only includes or leaves out the
object (lists, search, exports, feeds), by whether the text ``shows`` names appears in it.

To add an action: give it a ``Row`` in ``SURFACES`` (its target, built from the world in
``world.py``, and one probe per surface that exposes it), or, if nothing exposes it on its
own, name it in ``NO_SURFACE`` with the reason. ``test_matrix.py`` fails for any declared
action missing from both."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from typing import Any
from urllib.parse import quote

from django.core.management import CommandError, call_command

from thiqa.accounts.models import ParticipantGroup
from thiqa.activities.models import Activity
from thiqa.capacity.models import Engagement, Need, Offer
from thiqa.catalogue.models import Item
from thiqa.checks.models import CheckRound
from thiqa.directory.models import Contact
from thiqa.glossary.models import Concept, GlossaryTerm
from thiqa.lib.tlp import TLP
from thiqa.library.models import Document
from thiqa.mail.models import OutboundMessage
from thiqa.partnerships.models import Arrangement, Member
from thiqa.profiles.models import Position
from thiqa.reporting.models import Response
from thiqa.taxii import stix
from thiqa.taxii.models import StixObject

from .world import FIRST_VERSION_NOTE, World

Target = Callable[[World], Any]
Text = Callable[[World, Any], str]


@dataclass(frozen=True)
class Probe:
    """One surface of an action: ``path`` (built from the world and the target) asked with
    ``method`` and ``body`` (form data for pages, JSON for the API), or, for the CLI, ``run``
    (the command, run as the role's user; True when it did the action)."""

    surface: str  # page | api | cli | export | search | feed
    path: Text | None = None
    method: str = "GET"
    body: Callable[[World, Any], dict[str, Any]] | None = None
    shows: Text | None = None  # present in the answer exactly when the action is allowed
    follow: bool = False  # follow redirects before looking for ``shows``
    run: Callable[[World, Any, Any], bool] | None = None
    only: tuple[str, ...] = ()  # the row's targets this surface carries (all when empty)
    headers: dict[str, str] = field(default_factory=dict)  # as the test client's extra, HTTP_...
    content_type: str = "application/json"  # of the API's bodies


def page(path: Text, method: str = "GET", **kw: Any) -> Probe:
    return Probe("page", path, method, **kw)


def api(path: Text, method: str = "GET", **kw: Any) -> Probe:
    return Probe("api", path, method, **kw)


def export(path: Text, **kw: Any) -> Probe:
    return Probe("export", path, **kw)


def search(path: Text, shows: Text, **kw: Any) -> Probe:
    return Probe("search", path, shows=shows, **kw)


def feed(path: Text, **kw: Any) -> Probe:
    return Probe("feed", path, **kw)


TAXII_TYPE = "application/taxii+json;version=2.1"


def taxii(path: Text, method: str = "GET", **kw: Any) -> Probe:
    """A TAXII 2.1 endpoint: the API's bearer token, TAXII's media types."""
    return Probe("api", path, method, headers={"HTTP_ACCEPT": TAXII_TYPE}, content_type=TAXII_TYPE, **kw)


def _none(world: World) -> None:
    return None


@dataclass(frozen=True)
class Row:
    probes: tuple[Probe, ...]
    targets: dict[str, Target] = field(default_factory=lambda: {"-": _none})


def row(*probes: Probe, target: Target | None = None, **targets: Target) -> Row:
    """One row: a single ``target`` (or none), or several named ones."""
    if target is not None:
        targets = {"-": target}
    return Row(probes, targets or {"-": _none})


def fixed(value: str) -> Text:
    return lambda w, t: value


# --- sample targets -------------------------------------------------------------------------


def own(w: World) -> Any:
    return w.own


def other(w: World) -> Any:
    return w.other


def message(label: str) -> Target:
    return lambda w: w.messages[label]


def attachment(label: str) -> Target:
    return lambda w: w.messages[label].attachments.get()


def arrangement(name: str) -> Target:
    return lambda w: Arrangement.objects.get(name=name)


FORUM = "National Cybersecurity Partnership Forum"  # EG's, closed, FR asked to join
ISAC = "Health Sector ISAC"  # FR's, published


def need_of(code: str) -> Target:
    return lambda w: Need.objects.filter(participant__code=code).order_by("pk").first()


def engagement(status: str) -> Target:
    return lambda w: Engagement.objects.filter(status=status).order_by("pk").first()


def activity(tlp: str, organizer: str) -> Target:
    return lambda w: Activity.objects.filter(tlp=tlp, organizer__code=organizer).order_by("pk").first()


def term(code: str, audience: str) -> Target:
    return lambda w: GlossaryTerm.objects.filter(participant__code=code, audience=audience).first()


def concept(status: str) -> Target:
    return lambda w: Concept.objects.get(status=status)


def position(code: str) -> Target:
    return lambda w: Position.objects.get(owner__code=code)


def document(code: str) -> Target:
    return lambda w: Document.objects.get(owner__code=code)


def response(code: str, status: str = "submitted") -> Target:
    return lambda w: Response.objects.filter(participant__code=code, status=status).order_by("pk").first()


def pk(prefix: str, suffix: str = "/") -> Text:
    return lambda w, t: f"{prefix}{t.pk}{suffix}"


def code(prefix: str, suffix: str = "/") -> Text:
    return lambda w, t: f"{prefix}{t.code}{suffix}"


def incident(label: str) -> Target:
    return lambda w: w.objects[f"incident_{label}"]


# an incident of EG's per TLP label, recorded by the member, and a draft
INCIDENTS: dict[str, Target] = {label.lower(): incident(label) for label in (TLP.RED, TLP.AMBER, TLP.CLEAR)}
WITH_DRAFT: dict[str, Target] = {**INCIDENTS, "draft": incident("draft")}
PUBLISHED = tuple(INCIDENTS)


def collection(name: str) -> Target:
    return lambda w: w.objects[f"collection_{name}"]


def incident_object(label: str, where: str = "own") -> Target:
    """The STIX incident object of an incident, in a TAXII collection. An object is read
    through its collection, whose own rule (``taxii.read_collection``) has its row: each
    target sits where the collection's readers include the object's (EG's collection for
    RED, AMBER and drafts, the community's for CLEAR)."""
    return lambda w: StixObject.objects.get(
        collection=w.objects[f"collection_{where}"], stix_id=w.objects[f"incident_{label}"].stix_id
    )


def collection_path(suffix: str) -> Text:
    return lambda w, t: f"/taxii2/api/collections/{t.uuid}/{suffix}"


def object_path(suffix: str) -> Text:
    return lambda w, t: f"/taxii2/api/collections/{t.collection.uuid}/objects/{t.stix_id}/{suffix}"


SHARING = {"language": "en", "audience": "public"}
WITHDRAWN = {"reason": "Superseded."}


def _start_round(w: World, user: Any, target: Any) -> bool:
    """``thiqa checks start --as EMAIL --group LAS``: True if the round was started."""
    if not getattr(user, "is_authenticated", False):
        return False  # the CLI needs a person to act as
    try:
        call_command(
            "checks", "start", "--as", user.email, "--group", "LAS", stdout=StringIO(), stderr=StringIO()
        )
    except CommandError:
        return False
    return True


# --- the table ------------------------------------------------------------------------------

SURFACES: dict[str, Row] = {
    # accounts
    "home.view": row(page(fixed("/"), shows=fixed('id="todo-heading"'))),
    "participant.list": row(page(fixed("/participants/")), api(fixed("/api/v1/participants"))),
    "participant.view": row(
        page(code("/participants/")), api(code("/api/v1/participants/", "")), target=other
    ),
    "participant.edit": row(
        page(code("/participants/"), "POST", body=lambda w, t: {"website": "not a url"}),
        api(code("/api/v1/participants/", ""), "PATCH", body=lambda w, t: {"website": "https://eg.example"}),
        target=own,
    ),
    "participant.view_people": row(
        page(code("/participants/", "/invite/")),
        page(code("/participants/"), shows=fixed("member.eg@thiqa.example")),
        target=own,
    ),
    "membership.assign": row(
        page(
            lambda w, t: f"/participants/{t[0].code}/invite/",
            "POST",
            body=lambda w, t: {
                "email": "new@eg.example",
                "full_name": "New",
                "role": "member",
                "language": "en",
            },
        ),
        target=lambda w: (w.own, "member"),
    ),
    "membership.change": row(
        page(lambda w, t: f"/memberships/{t.pk}/", "POST", body=lambda w, t: {"role": "member"}),
        target=lambda w: w.user("observer").memberships.get(),
    ),
    "group.list": row(page(fixed("/groups/")), page(fixed("/groups/LAS/")), api(fixed("/api/v1/groups"))),
    "token.manage": row(page(fixed("/accounts/tokens/"))),
    "token.revoke": row(
        page(pk("/accounts/tokens/", "/revoke/"), "POST"),
        target=lambda w: w.token("secretariat"),
    ),
    # audit, mail, operations
    "audit.view": row(page(fixed("/audit/")), api(fixed("/api/v1/audit/events"))),
    "mail.view_outbox": row(page(fixed("/mail/outbox/")), api(fixed("/api/v1/mail/outbox"))),
    "mail.requeue": row(
        page(pk("/mail/outbox/", "/requeue/"), "POST"),
        target=lambda w: OutboundMessage.objects.order_by("pk").first(),
    ),
    "operations.metrics": row(api(fixed("/api/v1/operations/metrics"))),
    # catalogue, library, search
    "catalogue.view": row(
        page(fixed("/catalogue/")),
        page(lambda w, t: f"/catalogue/items/{Item.objects.order_by('pk').first().code}/"),
        api(fixed("/api/v1/catalogue/items")),
    ),
    "catalogue.export": row(export(fixed("/catalogue/export.csv"))),
    "library.view": row(page(fixed("/library/")), api(fixed("/api/v1/library/documents"))),
    "library.view_document": row(
        page(lambda w, t: f"/library/{t.slug}/"),
        page(lambda w, t: f"/profiles/documents/{t.slug}/"),
        api(lambda w, t: f"/api/v1/library/documents/{t.slug}"),
        api(lambda w, t: f"/api/v1/profiles/documents/{t.slug}"),
        community=document("FR"),
        public=document("EG"),
    ),
    "library.ingest": row(page(fixed("/library/ingest/"))),
    "search.query": row(page(fixed("/search/?q=contact")), api(fixed("/api/v1/search?q=contact"))),
    "search.community_entries": row(
        search(fixed("/search/?q=maturity"), shows=fixed("Regional CERT maturity project")),
        search(fixed("/api/v1/search?q=maturity&limit=50"), shows=fixed("Regional CERT maturity project")),
    ),
    # directory
    "directory.view": row(page(fixed("/directory/")), api(fixed("/api/v1/directory/contacts"))),
    "directory.view_contact": row(
        page(lambda w, t: f"/directory/participants/{t.participant.code}/", shows=lambda w, t: t.emails[0]),
        api(
            lambda w, t: f"/api/v1/directory/contacts?participant={t.participant.code}&page_size=500",
            shows=lambda w, t: t.emails[0],
        ),
        export(fixed("/directory/export.csv"), shows=lambda w, t: t.emails[0]),
        export(fixed("/directory/export.vcf"), shows=lambda w, t: t.emails[0]),
        hidden=lambda w: w.objects["hidden_contact"],
        published=lambda w: Contact.objects.filter(participant=w.other, secretariat_only=False).first(),
    ),
    "directory.export": row(export(fixed("/directory/export.csv")), export(fixed("/directory/export.vcf"))),
    "directory.nominate": row(page(code("/directory/participants/", "/nominate/")), target=own),
    "directory.confirm": row(page(code("/directory/participants/", "/confirm/"), "POST"), target=own),
    "directory.edit_structures": row(page(code("/directory/participants/", "/structures/")), target=own),
    "directory.import": row(page(fixed("/directory/import/"))),
    "directory.review": row(page(fixed("/directory/nominations/"))),
    "directory.compliance": row(
        page(code("/directory/compliance/?group=", ""), shows=lambda w, t: f'value="{t.code}"'),
        target=lambda w: ParticipantGroup.objects.get(code="LAS"),
    ),
    # checks
    "checks.start": row(page(fixed("/checks/start/")), Probe("cli", run=_start_round)),
    "checks.list": row(page(fixed("/checks/")), api(fixed("/api/v1/checks/rounds"))),
    "checks.view_results": row(
        export(
            lambda w, t: f"/checks/rounds/{CheckRound.objects.order_by('pk').first().pk}/results.csv",
            shows=lambda w, t: t.name_en,
        ),
        target=own,
    ),
    "checks.acknowledge": row(
        page(
            fixed("/checks/inbox/"),
            "POST",
            body=lambda w, t: {"ping": t.pk},
            follow=True,
            shows=fixed("your acknowledgement is recorded"),
        ),
        target=lambda w: w.objects["ping"],
    ),
    # messaging
    "messaging.view": row(page(fixed("/messages/")), api(fixed("/api/v1/messages"))),
    "messaging.send": row(page(fixed("/messages/new/")), target=_none),
    "messaging.read": row(
        page(pk("/messages/threads/")),
        api(pk("/api/v1/messages/", "")),
        search(lambda w, t: f"/messages/all/?q={t.subject.split()[1]}", shows=lambda w, t: t.subject),
        search(
            lambda w, t: f"/api/v1/messages?box=all&q={t.subject.split()[1]}", shows=lambda w, t: t.subject
        ),
        **{label.lower(): message(label) for label in (TLP.RED, TLP.AMBER, TLP.CLEAR)},
    ),
    "messaging.download": row(
        page(pk("/messages/attachments/")),
        api(lambda w, t: f"/api/v1/messages/{t.message_id}/attachments/{t.pk}"),
        **{label.lower(): attachment(label) for label in (TLP.RED, TLP.AMBER, TLP.CLEAR)},
    ),
    "messaging.reply": row(
        api(pk("/api/v1/messages/", "/replies"), "POST", body=lambda w, t: {"body": "Noted, thank you."}),
        **{label.lower(): message(label) for label in (TLP.RED, TLP.AMBER, TLP.CLEAR)},
    ),
    "messaging.forward": row(
        page(pk("/messages/", "/forward/")),
        **{label.lower(): message(label) for label in (TLP.RED, TLP.AMBER, TLP.CLEAR)},
    ),
    "messaging.export": row(
        export(pk("/messages/", "/export.json")),
        api(pk("/api/v1/messages/", "/export")),
        **{label.lower(): message(label) for label in (TLP.RED, TLP.AMBER, TLP.CLEAR)},
    ),
    "messaging.acknowledge": row(
        api(lambda w, t: f"/api/v1/messages/{t.message_id}/acknowledge", "POST"),
        target=lambda w: w.objects["recipient"],
    ),
    "messaging.close": row(page(pk("/messages/threads/", "/close/"), "POST"), target=message(TLP.AMBER)),
    "messaging.view_traffic": row(page(fixed("/messages/traffic/")), export(fixed("/messages/traffic.csv"))),
    # reporting
    "reporting.view": row(page(fixed("/reporting/")), api(fixed("/api/v1/reporting/cycles"))),
    "reporting.manage": row(page(fixed("/reporting/new/"))),
    "reporting.respond": row(
        page(lambda w, t: f"/reporting/cycles/{t[0].pk}/respond/{t[1].code}/"),
        target=lambda w: (w.objects["open_cycle"], w.own),
    ),
    "reporting.view_response": row(
        page(pk("/reporting/responses/")),
        api(
            lambda w, t: (
                f"/api/v1/reporting/responses/{t.pk}" + ("?draft=true" if t.status == "draft" else "")
            )
        ),
        export(pk("/reporting/responses/", "/export.json")),
        export(
            lambda w, t: f"/reporting/cycles/{t.cycle_id}/compilation.csv",
            shows=lambda w, t: t.participant.name_en,
            only=("scope",),
        ),
        scope=response("EG"),
        draft=lambda w: w.objects["draft_response"],
    ),
    # EG's public report with two versions: everyone reads the submission, and a reader the
    # policy refuses ``?version=1`` is shown it instead of the first version
    "reporting.view_versions": row(
        page(pk("/reporting/responses/", "/?version=1"), shows=fixed(FIRST_VERSION_NOTE)),
        page(pk("/reporting/responses/"), shows=fixed('href="?version=1"')),  # the history
        export(pk("/reporting/responses/", "/export.json?version=1"), shows=fixed(FIRST_VERSION_NOTE)),
        export(pk("/reporting/responses/", "/export.csv?version=1"), shows=fixed(FIRST_VERSION_NOTE)),
        target=lambda w: w.objects["versioned_response"],
    ),
    "reporting.view_draft": row(
        export(pk("/reporting/responses/", "/export.json")),
        target=lambda w: w.objects["draft_response"],
    ),
    "reporting.ask": row(
        page(
            pk("/reporting/responses/", "/ask/"),
            "POST",
            body=lambda w, t: {"text": "Which agency answers?", "about": ""},
            follow=True,
            shows=fixed("Your question was sent"),
        ),
        target=response("EG"),
    ),
    "reporting.answer": row(
        page(
            lambda w, t: f"/reporting/questions/{w.objects['question'].pk}/answer/",
            "POST",
            body=lambda w, t: {"answer": "The national CERT."},
        ),
        target=lambda w: w.objects["question"].response,
    ),
    # partnerships
    "partnerships.view": row(page(fixed("/partnerships/")), api(fixed("/api/v1/partnerships"))),
    "partnerships.register": row(page(fixed("/partnerships/new/")), target=_none),
    "partnerships.edit": row(page(pk("/partnerships/", "/edit/")), target=arrangement(FORUM)),
    "partnerships.publish": row(page(pk("/partnerships/", "/publish/"), "POST"), target=arrangement(FORUM)),
    "partnerships.view_disclosure": row(
        page(pk("/partnerships/", "/public/")),
        published=arrangement(ISAC),
        unpublished=arrangement(FORUM),
    ),
    "partnerships.view_members": row(
        api(pk("/api/v1/partnerships/", ""), shows=fixed('"members": [')),
        closed=arrangement(FORUM),
        open=arrangement(ISAC),
    ),
    "partnerships.view_discussion": row(
        api(pk("/api/v1/partnerships/", ""), shows=fixed('"discussion": [')),
        target=arrangement(FORUM),
    ),
    "partnerships.post": row(
        page(pk("/partnerships/", "/posts/"), "POST", body=lambda w, t: {"text": "Next meeting in March."}),
        target=arrangement(FORUM),
    ),
    "partnerships.join": row(
        page(
            lambda w, t: f"/partnerships/{t[0].pk}/join/",
            "POST",
            body=lambda w, t: {"participant": t[1].pk, "nda_accepted": "on"},
        ),
        api(
            lambda w, t: f"/api/v1/partnerships/{t[0].pk}/join",
            "POST",
            body=lambda w, t: {"participant": t[1].code, "nda_accepted": True},
        ),
        target=lambda w: (Arrangement.objects.get(name=ISAC), w.own),
    ),
    "partnerships.decide": row(
        page(
            lambda w, t: (
                f"/partnerships/members/{Member.objects.get(arrangement=t, status='requested').pk}/decide/"
            ),
            "POST",
        ),
        target=arrangement(FORUM),
    ),
    # capacity
    "capacity.view": row(
        page(fixed("/capacity/")), page(fixed("/capacity/figures/")), api(fixed("/api/v1/capacity/needs"))
    ),
    "capacity.post": row(page(fixed("/capacity/needs/new/")), target=_none),
    "capacity.edit": row(page(pk("/capacity/needs/", "/edit/")), target=need_of("EG")),
    "capacity.close": row(page(pk("/capacity/needs/", "/close/"), "POST"), target=need_of("EG")),
    "capacity.engage": row(
        api(
            fixed("/api/v1/capacity/engagements"),
            "POST",
            body=lambda w, t: {"need": t[0].pk, "offer": t[1].pk, "message": "Shall we work together?"},
        ),
        target=lambda w: (
            need_of("EG")(w),
            Offer.objects.filter(participant__code="FR").order_by("-pk").first(),
        ),
    ),
    "capacity.start": row(
        api(pk("/api/v1/capacity/engagements/", "/start"), "POST"),
        target=engagement("proposed"),
    ),
    "capacity.evaluate": row(
        api(
            lambda w, t: f"/api/v1/capacity/engagements/{t[0].pk}/evaluations",
            "POST",
            body=lambda w, t: {"rating": 4, "text": "Useful.", "side": t[1]},
        ),
        target=lambda w: (
            Engagement.objects.filter(status="completed", offer__participant__code="FR").first(),
            "offer",
        ),
    ),
    "capacity.answer": row(
        api(pk("/api/v1/capacity/engagements/", "/accept"), "POST", body=lambda w, t: {"reason": ""}),
        target=engagement("proposed"),
    ),
    "capacity.withdraw": row(
        api(pk("/api/v1/capacity/engagements/", "/withdraw"), "POST", body=lambda w, t: {"reason": ""}),
        target=engagement("proposed"),
    ),
    "capacity.view_engagement": row(
        page(pk("/capacity/engagements/")),
        api(pk("/api/v1/capacity/engagements/", "")),
        page(fixed("/capacity/engagements/"), shows=lambda w, t: f"/capacity/engagements/{t.pk}/"),
        target=engagement("proposed"),
    ),
    "capacity.complete": row(
        api(pk("/api/v1/capacity/engagements/", "/complete"), "POST", body=lambda w, t: {"outcome": "Done."}),
        target=engagement("in_progress"),
    ),
    "capacity.stop": row(
        api(pk("/api/v1/capacity/engagements/", "/stop"), "POST", body=lambda w, t: {"reason": "No funds."}),
        target=engagement("in_progress"),
    ),
    "capacity.project_view": row(
        page(fixed("/capacity/projects/")),
        export(fixed("/capacity/projects.csv")),
        api(fixed("/api/v1/capacity/projects")),
    ),
    "capacity.project_edit": row(page(fixed("/capacity/projects/new/"))),
    "capacity.cirt_edit": row(page(code("/capacity/cirt/")), target=own),
    # activities
    "activities.view": row(
        page(fixed("/activities/")), page(fixed("/activities/calendar/")), api(fixed("/api/v1/activities"))
    ),
    "activities.view_activity": row(
        page(pk("/activities/")),
        api(pk("/api/v1/activities/", "")),
        # a feed carries CLEAR and GREEN activities only; each person's URL holds their key
        feed(
            lambda w, t: w.feeds.get(w.acting, "/activities/feed/none.ics"),
            shows=lambda w, t: str(t.uid),
            only=("green_own", "green_other"),
        ),
        search(
            lambda w, t: f"/search/?q={quote(t.title)}",
            shows=lambda w, t: f"/activities/{t.pk}/",
            only=("green_other",),
        ),
        amber_other=activity(TLP.AMBER, "FR"),
        green_own=activity(TLP.GREEN, "EG"),
        green_other=lambda w: (
            Activity.objects.filter(tlp=TLP.GREEN, organizer__is_secretariat=True).order_by("pk").first()
        ),
    ),
    "activities.create": row(page(fixed("/activities/new/")), target=_none),
    "activities.manage": row(page(pk("/activities/", "/edit/")), target=activity(TLP.GREEN, "EG")),
    "activities.subscribe": row(
        page(fixed("/activities/feeds/")), api(fixed("/api/v1/activities/feeds"), "POST")
    ),
    "activities.compliance": row(page(fixed("/activities/cbm-11/"))),
    # glossary
    "glossary.view": row(
        page(fixed("/glossary/")),
        api(fixed("/api/v1/glossary/terms")),
        api(fixed("/api/v1/glossary/concepts")),
    ),
    "glossary.view_concept": row(
        page(pk("/glossary/concepts/")),
        api(pk("/api/v1/glossary/concepts/", "")),
        discussed=concept("discussion"),
        agreed=concept("agreed"),
    ),
    "glossary.view_term": row(
        page(pk("/glossary/terms/")),
        api(pk("/api/v1/glossary/terms/", "")),
        export(fixed("/glossary/export.csv"), shows=lambda w, t: t.definition[:40]),
        for_secretariat=term("FR", "secretariat"),
        community=term("EG", "community"),
        public=term("KE", "public"),
    ),
    "glossary.submit": row(page(fixed("/glossary/terms/new/")), target=_none),
    "glossary.edit_term": row(page(pk("/glossary/terms/", "/edit/")), target=term("EG", "community")),
    "glossary.manage": row(page(fixed("/glossary/concepts/new/"))),
    "glossary.comment": row(
        page(pk("/glossary/concepts/", "/comment/"), "POST", body=lambda w, t: {"text": ""}),
        target=concept("discussion"),
    ),
    "glossary.export": row(export(fixed("/glossary/export.csv")), api(fixed("/api/v1/glossary/export"))),
    "glossary.import": row(page(fixed("/glossary/import/"))),
    # profiles
    "profiles.view": row(
        page(fixed("/profiles/")),
        page(code("/profiles/")),
        page(fixed("/profiles/compare/")),
        api(fixed("/api/v1/profiles")),
        api(code("/api/v1/profiles/", "")),
        api(code("/api/v1/profiles/", "/documents")),
        api(code("/api/v1/profiles/", "/positions")),
        target=own,
    ),
    "profiles.view_position": row(
        page(pk("/profiles/positions/")),
        page(lambda w, t: f"/profiles/{t.owner.code}/", shows=lambda w, t: f"/profiles/positions/{t.pk}/"),
        api(
            lambda w, t: f"/api/v1/profiles/{t.owner.code}/positions", shows=lambda w, t: json.dumps(t.title)
        ),
        for_secretariat=position("KE"),
        community=position("FR"),
        public=position("EG"),
    ),
    "profiles.add_document": row(page(code("/profiles/", "/documents/new/")), target=own),
    "profiles.record_position": row(page(code("/profiles/", "/positions/new/")), target=own),
    "profiles.edit_document": row(
        page(lambda w, t: f"/profiles/documents/{t.slug}/edit/"),
        api(
            lambda w, t: f"/api/v1/profiles/documents/{t.slug}",
            "PUT",
            body=lambda w, t: {"kind": "strategy", "title_en": t.title, **SHARING},
        ),
        target=document("EG"),
    ),
    "profiles.withdraw_document": row(
        page(lambda w, t: f"/profiles/documents/{t.slug}/withdraw/"),
        api(
            lambda w, t: f"/api/v1/profiles/documents/{t.slug}/withdraw",
            "POST",
            body=lambda w, t: WITHDRAWN,
        ),
        target=document("EG"),
    ),
    "profiles.edit_position": row(
        page(pk("/profiles/positions/", "/edit/")),
        api(
            pk("/api/v1/profiles/positions/", ""),
            "PUT",
            body=lambda w, t: {"subject": t.subject, "title": t.title, "text": t.text, **SHARING},
        ),
        target=position("EG"),
    ),
    "profiles.withdraw_position": row(
        page(pk("/profiles/positions/", "/withdraw/")),
        api(pk("/api/v1/profiles/positions/", "/withdraw"), "POST", body=lambda w, t: WITHDRAWN),
        target=position("EG"),
    ),
    # reporting: the compilation PDF (prepared by the member in the world)
    "reporting.prepare_compilation_pdf": row(
        page(pk("/reporting/cycles/", "/compilation/pdf/"), "POST"),
        api(pk("/api/v1/reporting/cycles/", "/compilation/pdf"), "POST"),
        target=lambda w: w.objects["compilation_pdf"].cycle,
    ),
    "reporting.read_compilation_pdf": row(
        export(lambda w, t: f"/reporting/cycles/{t.cycle_id}/compilation/pdf/file/"),
        api(lambda w, t: f"/api/v1/reporting/cycles/{t.cycle_id}/compilation/pdf/file"),
        target=lambda w: w.objects["compilation_pdf"],
    ),
    # incidents
    "incidents.view": row(page(fixed("/incidents/")), api(fixed("/api/v1/incidents"))),
    "incidents.read": row(
        page(pk("/incidents/")),
        api(pk("/api/v1/incidents/", "")),
        page(fixed("/incidents/"), shows=lambda w, t: f"/incidents/{t.pk}/"),
        api(fixed("/api/v1/incidents"), shows=lambda w, t: json.dumps(t.title)),
        **WITH_DRAFT,
    ),
    "incidents.record": row(
        page(fixed("/incidents/new/"), only=("any",)),
        api(
            fixed("/api/v1/incidents"),
            "POST",
            body=lambda w, t: {
                "participant": t.code,
                "title": "Matrix recorded incident",
                "tlp": TLP.AMBER,
                "detected_at": "2026-11-30T08:15",
                "draft": True,
            },
            only=("own",),
        ),
        any=_none,
        own=own,
    ),
    "incidents.update": row(
        page(pk("/incidents/", "/update/"), "POST"),
        api(pk("/api/v1/incidents/", ""), "PATCH", body=lambda w, t: {"text": "Contained."}),
        **WITH_DRAFT,
    ),
    "incidents.alert": row(
        page(pk("/incidents/", "/alert/")),
        api(
            pk("/api/v1/incidents/", "/alerts"),
            "POST",
            body=lambda w, t: {"text": "Watch for these indicators.", "participants": ["FR"]},
            only=PUBLISHED,  # no one alerts about a draft: the page shows the refusal
        ),
        **WITH_DRAFT,
    ),
    "incidents.view_situation": row(page(fixed("/incidents/situation/"))),
    "scales.view": row(
        page(fixed("/incidents/scales/")),
        page(code("/incidents/scales/")),
        api(fixed("/api/v1/incidents/scales")),
        api(code("/api/v1/incidents/scales/", "")),
        target=own,
    ),
    "scales.register": row(
        page(code("/incidents/scales/", "/new-version/")),
        api(
            code("/api/v1/incidents/scales/", ""),
            "POST",
            body=lambda w, t: {
                "name": "Matrix scale",
                "levels": [{"rank": 1, "names": {"en": "Minor", "ar": "طفيف"}, "common_level": 1}],
            },
        ),
        target=own,
    ),
    # STIX and TAXII
    "stix.export": row(
        api(lambda w, t: f"/api/v1/stix/incidents/{t.uuid}"),
        api(fixed("/api/v1/stix/incidents?limit=1000"), shows=lambda w, t: t.stix_id, only=PUBLISHED),
        # the incident's page links to its bundle, which a session downloads too
        page(pk("/incidents/"), shows=lambda w, t: f"/api/v1/stix/incidents/{t.uuid}"),
        export(lambda w, t: f"/api/v1/stix/incidents/{t.uuid}"),
        **WITH_DRAFT,
    ),
    "stix.import": row(
        api(
            code("/api/v1/stix/import?participant=", ""),
            "POST",
            body=lambda w, t: stix.export([w.objects[f"incident_{TLP.CLEAR}"]]),
        ),
        target=own,
    ),
    "taxii.discover": row(
        taxii(fixed("/taxii2/")), taxii(fixed("/taxii2/api/")), taxii(fixed("/taxii2/api/collections/"))
    ),
    "taxii.read_collection": row(
        taxii(collection_path("")),
        taxii(collection_path("objects/")),
        taxii(collection_path("manifest/")),
        taxii(fixed("/taxii2/api/collections/"), shows=lambda w, t: str(t.uuid)),
        own=collection("own"),
        other=collection("other"),
        group=collection("group"),
        community=collection("community"),
    ),
    "taxii.write_collection": row(
        taxii(
            collection_path("objects/"),
            "POST",
            body=lambda w, t: {"objects": [w.objects["posted_object"].body]},
        ),
        own=collection("own"),
        other=collection("other"),
        community=collection("community"),
    ),
    "taxii.read_object": row(
        taxii(object_path("")),
        taxii(object_path("versions/")),
        # the collection's lists name it exactly when it may be read
        taxii(
            lambda w, t: f"/taxii2/api/collections/{t.collection.uuid}/objects/", shows=lambda w, t: t.stix_id
        ),
        taxii(
            lambda w, t: f"/taxii2/api/collections/{t.collection.uuid}/manifest/",
            shows=lambda w, t: t.stix_id,
        ),
        **{label.lower(): incident_object(label) for label in (TLP.RED, TLP.AMBER, "draft")},
        clear=incident_object(TLP.CLEAR, "community"),
        posted=lambda w: w.objects["posted_object"],
    ),
    # Deleting is for posted objects: an incident's are refused to everyone, which no role may
    # write, so the TAXII tests (thiqa/taxii/tests/test_delete.py) hold that case.
    "taxii.delete_object": row(
        taxii(object_path(""), "DELETE"),
        posted=lambda w: w.objects["posted_object"],
        posted_red=lambda w: w.objects["posted_red_object"],
    ),
    "taxii.read_status": row(
        taxii(lambda w, t: f"/taxii2/api/status/{t.uuid}/"), target=lambda w: w.objects["taxii_status"]
    ),
}

# Actions that no surface exposes on its own: each with the reason.
NO_SURFACE: dict[str, str] = {
    "participant.create": "no page, API or command creates participants: they are loaded with the "
    "list of States and organizations (thiqa/accounts/data); the participants page only computes "
    "the flag",
    "group.manage": "no surface changes groups yet: they are loaded with the participants",
    "activities.record_outside": "a choice inside activities.create's form (an organizer outside the "
    "community), not a request of its own",
    "messaging.forward_to": "decided for each chosen participant inside messaging.forward's service "
    "(POST /messages/<pk>/forward/); the messaging TLP matrix covers it label by label",
}
