"""The whole platform's role matrix: every declared action x every role x every surface that
exposes it. The expectation is the policy's answer for the row's target; each surface must
agree with it. A hand-checked table pins the policy itself for a few key actions, so the
matrix cannot pass by agreeing with a broken policy. See docs/architecture.md
("Authorization") for how to add a row."""

import pathlib
from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.test import Client

from thiqa.accounts import policy
from thiqa.audit import guard

from .surfaces import NO_SURFACE, SURFACES, Probe
from .world import ROLES, World, build

CASES = [
    pytest.param(action, name, role, index, id=f"{action}[{name}]-{role}-{probe.surface}{index}")
    for action, entry in SURFACES.items()
    for name in entry.targets
    for index, probe in enumerate(entry.probes)
    if not probe.only or name in probe.only
    for role in ROLES
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The demo data and the matrix's people, built once per module and rolled back after."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            guard.install(connection)
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


REFUSED = {401, 403, 404}
# The API needs a token or a session except for the readings open to visitors with
# ``open_to_visitors`` (docs/api.md, "Public endpoints"): the catalogue's, the library's and
# the search's routers, and the glossary's and the profiles' reading endpoints whose pages
# visitors read (not the list of national terms, whose page is for signed-in people).
# Elsewhere an action the policy makes public (public submissions...) is read by visitors on
# its page only.
API_OPEN_TO_VISITORS = (
    "/api/v1/catalogue/",
    "/api/v1/library/",
    "/api/v1/search",
    "/api/v1/glossary/concepts",
    "/api/v1/glossary/terms/",
    "/api/v1/glossary/export",
    "/api/v1/profiles",
)


def _open_to_visitors(world: World, target: object, probe: Probe) -> bool:
    return probe.method == "GET" and probe.path(world, target).startswith(API_OPEN_TO_VISITORS)


def _expected(world: World, action: str, target: object, role: str, probe: Probe) -> bool:
    if probe.surface == "api":
        if role == "anonymous" and not _open_to_visitors(world, target, probe):
            return False
        return policy.can(world.user(role), action, target, world.token(role))
    return policy.can(world.user(role), action, target)


def _answer(world: World, probe: Probe, role: str, target: object, *, read_only: bool = False) -> bool:
    """Did the surface let ``role`` perform the action on ``target``?"""
    if probe.surface == "cli":
        return probe.run(world, world.user(role), target)
    world.acting = role
    client: Client = world.client(role, "read-api" if read_only else probe.surface)
    path = probe.path(world, target)
    body = probe.body(world, target) if probe.body else None
    if probe.surface == "api":
        call = getattr(client, probe.method.lower())
        if probe.method == "GET":
            response = call(path, **probe.headers)
        else:
            response = call(path, body, content_type=probe.content_type, **probe.headers)
    elif probe.method == "GET":
        response = client.get(path, follow=probe.follow)
    else:
        response = client.post(path, body or {}, follow=probe.follow)
    status = response.status_code
    assert status < 500, f"{path} answered {status}"
    if status in REFUSED or (status in (301, 302) and "/accounts/signin/" in response.get("Location", "")):
        return False
    if probe.shows is None:
        return True
    assert status < 300, f"{path} answered {status}, where it lists or leaves out"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return probe.shows(world, target) in content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("action, name, role, index", CASES)
def test_the_surface_agrees_with_the_policy(world: World, action: str, name: str, role: str, index: int):
    entry = SURFACES[action]
    probe = entry.probes[index]
    target = entry.targets[name](world)
    expected = _expected(world, action, target, role, probe)
    with transaction.atomic():
        answered = _answer(world, probe, role, target)
        transaction.set_rollback(True)
    assert answered == expected, (
        f"{action} on {name} by {role} through {probe.surface}: the policy says "
        f"{'allowed' if expected else 'refused'}, the surface {'allowed' if answered else 'refused'}"
    )


WRITES_THROUGH_API = [
    pytest.param(action, name, index, id=f"{action}[{name}]-api{index}")
    for action, entry in SURFACES.items()
    if policy.ACTIONS[action].writes
    for name in entry.targets
    for index, probe in enumerate(entry.probes)
    if probe.surface == "api" and probe.method != "GET" and (not probe.only or name in probe.only)
]


@pytest.mark.django_db
@pytest.mark.parametrize("action, name, index", WRITES_THROUGH_API)
def test_a_read_token_never_writes(world: World, action: str, name: str, index: int):
    """Whoever the policy lets write through the API is refused with a read-only token."""
    entry = SURFACES[action]
    probe, target = entry.probes[index], entry.targets[name](world)
    writers = [r for r in ROLES[:-1] if policy.can(world.user(r), action, target, world.token(r))]
    assert writers, f"{action} on {name}: no role may write it, so the probe proves nothing"
    with transaction.atomic():
        answered = _answer(world, probe, writers[0], target, read_only=True)
        transaction.set_rollback(True)
    assert not answered, f"{action} on {name} by {writers[0]} with a read token: the API allowed it"


def _used_in(action: str) -> list[str]:
    """The files of the code (not the tests) that name ``action``: where its surfaces are."""
    root = pathlib.Path(policy.__file__).parents[1]
    quoted = (f'"{action}"', f"'{action}'")
    return sorted(
        str(path.relative_to(root.parent))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "rules.py"
        and any(q in path.read_text() for q in quoted)
    )


def test_every_declared_action_has_a_row():
    """A new action (incidents.*, taxii.*, ...) needs a row in tests/matrix/surfaces.py."""
    missing = sorted(set(policy.ACTIONS) - set(SURFACES) - set(NO_SURFACE))
    rows = "\n".join(
        f'    "{action}": row(page(...), api(...), target=...),  # used in: '
        + (", ".join(_used_in(action)) or "no view, endpoint or command yet")
        for action in missing
    )
    assert not missing, (
        "actions without a row in the role matrix. Add to SURFACES in tests/matrix/surfaces.py "
        "(a sample target built from the world, and a probe per page, API, CLI, export, search "
        "or feed that exposes the action; see docs/architecture.md, 'The role matrix'):\n"
        + rows
        + "\nor, if nothing exposes one on its own, add it to NO_SURFACE with the reason."
    )


def test_the_table_names_only_declared_actions():
    assert not (set(SURFACES) & set(NO_SURFACE)), "an action is both exposed and said to have no surface"
    unknown = sorted((set(SURFACES) | set(NO_SURFACE)) - set(policy.ACTIONS))
    assert not unknown, f"rows for actions the policy does not declare: {unknown}"


# --- the policy itself, checked by hand for key actions -------------------------------------

EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
COMMUNITY = SIGNED_IN - {"outsider"}
OWN_PEOPLE = {"focal_point", "member", "observer"}
SECRETARIAT_ONLY = [
    "audit.view",
    "mail.view_outbox",
    "mail.requeue",
    "operations.metrics",
    "library.ingest",
    "checks.start",
    "directory.review",
    "messaging.view_traffic",
    "reporting.manage",
    "capacity.project_edit",
    "activities.compliance",
    "glossary.manage",
]

# (action, target name in SURFACES) -> the roles allowed, written by hand from the rules.
EXPECTED: dict[tuple[str, str], set[str]] = {
    **{(action, "-"): {"secretariat"} for action in SECRETARIAT_ONLY},
    # TLP:RED is read by the personal circle only: of our roles, the member who sent it.
    ("messaging.read", "red"): {"member"},
    ("messaging.read", "amber"): OWN_PEOPLE,  # the sender's organization, not the secretariat
    ("messaging.read", "clear"): COMMUNITY,
    ("messaging.download", "red"): {"member"},
    ("messaging.export", "red"): set(),  # RED never leaves the platform
    ("messaging.export", "amber"): OWN_PEOPLE,
    ("messaging.forward", "red"): set(),
    ("messaging.reply", "amber"): {"focal_point", "member"},  # observers never write
    # A contact marked for the secretariat is hidden from another participant's people.
    ("directory.view_contact", "hidden"): {"secretariat"} | OWN_PEOPLE,
    ("directory.view_contact", "published"): COMMUNITY,
    ("directory.view", "-"): COMMUNITY,
    ("participant.edit", "-"): {"secretariat", "focal_point"},
    ("participant.view_people", "-"): {"secretariat", "focal_point"},
    ("membership.assign", "-"): {"secretariat", "focal_point"},
    ("home.view", "-"): SIGNED_IN,
    ("token.manage", "-"): SIGNED_IN,
    ("token.revoke", "-"): {"secretariat"},  # one's own tokens only
    ("catalogue.view", "-"): EVERYONE,  # an open deployment (the test profile)
    ("reporting.view_draft", "-"): OWN_PEOPLE,  # not even the secretariat reads a draft
    # a public submission's earlier versions: its own people and the secretariat only
    ("reporting.view_versions", "-"): {"secretariat"} | OWN_PEOPLE,
    ("glossary.view_term", "for_secretariat"): {"secretariat", "other_participant"},
    ("glossary.view_term", "public"): EVERYONE,
    ("partnerships.view_disclosure", "published"): EVERYONE,
    ("partnerships.view_disclosure", "unpublished"): set(),
    ("partnerships.view_members", "closed"): {"secretariat"} | OWN_PEOPLE,
    ("profiles.view_position", "for_secretariat"): {"secretariat"},
    ("profiles.view_position", "public"): EVERYONE,
    # a posted object: its poster (the member) and those who write for its owner (EG)
    ("taxii.delete_object", "posted"): {"focal_point", "member"},
    ("taxii.delete_object", "posted_red"): {"member"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("action, name", list(EXPECTED), ids=[f"{a}[{n}]" for a, n in EXPECTED])
def test_the_policy_matches_the_hand_checked_table(world: World, action: str, name: str):
    target = SURFACES[action].targets[name](world)
    allowed = {role for role in ROLES if policy.can(world.user(role), action, target)}
    assert allowed == EXPECTED[action, name], (
        f"{action} on {name}: allowed {sorted(allowed)}, expected {sorted(EXPECTED[action, name])}"
    )
