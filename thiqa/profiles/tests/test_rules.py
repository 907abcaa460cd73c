"""Every decision of the profiles room through the one policy, for every role: who records
documents and positions, who reads a position or a national document under each audience,
and that each room's query agrees with its rule."""

import pytest

from thiqa.accounts import policy
from thiqa.accounts.services import create_token
from thiqa.library.models import Document
from thiqa.profiles import services
from thiqa.profiles.models import Position
from thiqa.profiles.tests.helpers import READERS, document_draft, people, position_draft, text_file

pytestmark = pytest.mark.usefixtures("catalogue")

WRITERS = {"secretariat", "focal_point"}


@pytest.fixture
def everyone(participant, other_participant, secretariat):
    return people(participant, other_participant, secretariat)


@pytest.mark.parametrize("action", ["profiles.add_document", "profiles.record_position"])
def test_only_the_focal_point_and_the_secretariat_record(everyone, participant, action):
    allowed = {name for name, user in everyone.all().items() if policy.can(user, action, participant)}
    assert allowed == WRITERS


def test_a_focal_point_records_for_its_own_participant_only(everyone, other_participant):
    assert not policy.can(everyone.focal_point, "profiles.record_position", other_participant)
    assert policy.can(everyone.secretariat, "profiles.record_position", other_participant)


def test_a_read_only_token_never_records(everyone, participant):
    token, _secret = create_token(everyone.focal_point, name="read", scope="read", days=1)
    assert not policy.can(everyone.focal_point, "profiles.record_position", participant, token)


def test_every_role_reads_positions_by_their_audience_and_the_query_agrees(everyone, participant):
    recorded = {}
    for audience in READERS:
        draft = position_draft(title=f"Position for {audience}", audience=audience, shared_with=["KE"])
        recorded[audience] = services.record_position(everyone.focal_point, participant, draft)
    for name, user in everyone.all().items():
        visible = set(Position.objects.visible_to(user).values_list("audience", flat=True))
        allowed = {a for a, p in recorded.items() if policy.can(user, "profiles.view_position", p)}
        assert allowed == visible == {a for a, names in READERS.items() if name in names}, name


def test_every_role_reads_national_documents_by_their_audience_and_the_query_agrees(everyone, participant):
    for n, audience in enumerate(READERS):
        services.add_document(
            everyone.focal_point,
            participant,
            text_file(f"doc-{audience}.txt", f"{n}. The State publishes its strategy for {audience}.\n"),
            document_draft(audience=audience, shared_with=["KE"]),
        )
    owned = Document.objects.filter(owner__isnull=False)
    for name, user in everyone.all().items():
        visible = set(
            Document.objects.visible_to(user).filter(owner__isnull=False).values_list("audience", flat=True)
        )
        allowed = {d.audience for d in owned if policy.can(user, "library.view_document", d)}
        assert allowed == visible == {a for a, names in READERS.items() if name in names}, name
