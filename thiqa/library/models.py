"""Source documents, their passages, and the links from catalogue citations to passages."""

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.catalogue.models import Citation


class Audience(models.TextChoices):
    """Who reads a document a participant owns (a national document); its own people and the
    secretariat always do. A source document has no owner and is read by whoever reads the
    library."""

    PUBLIC = "public", _("Public")
    COMMUNITY = "community", _("Every participant")
    CHOSEN = "chosen", _("Chosen participants")
    SECRETARIAT = "secretariat", _("The secretariat only")


def readable_by(user: User, *, sources: bool) -> models.Q:
    """The owned records (``owner``, ``audience``, ``audience_participants``) ``user`` may
    read, plus unowned ones when ``sources``: the rule of ``rules.may_read_owned`` as a
    query (a test checks both agree). Shared by the library and the profiles. Nothing for
    those outside the community of a closed deployment (``policy.reads_public``); a withdrawn
    record (``withdrawn_at``) for nobody."""
    if not policy.reads_public(user):
        return models.Q(pk__in=[])
    live = models.Q(withdrawn_at__isnull=True)
    found = models.Q(owner__isnull=False, audience=Audience.PUBLIC)
    if sources:
        found |= models.Q(owner__isnull=True)
    if not user.is_authenticated or not policy.in_community(user):
        return live & found
    if policy.is_secretariat(user):
        return live & (found | models.Q(owner__isnull=False))
    own = list(policy.roles_of(user))
    chosen = models.Q(audience=Audience.CHOSEN, audience_participants__in=own)
    return live & (found | models.Q(audience=Audience.COMMUNITY) | models.Q(owner_id__in=own) | chosen)


class DocumentQuerySet(models.QuerySet["Document"]):
    def shared(self) -> "DocumentQuerySet":
        """Source texts and public national documents not withdrawn: what the shared search
        index holds."""
        public = models.Q(owner__isnull=True) | models.Q(audience=Audience.PUBLIC)
        return self.filter(public, withdrawn_at__isnull=True)

    def visible_to(self, user: User) -> "DocumentQuerySet":
        """The documents ``user`` may read: the policy's ``library.view_document``."""
        readable = Document.objects.filter(readable_by(user, sources=policy.can(user, "library.view")))
        return self.filter(pk__in=readable.values("pk"))


class Document(models.Model):
    """A source text (UN report, OSCE decision, ITU document, paper...) as ingested, or a
    participant's national document (``owner``: a strategy, a law, a statement...)."""

    class Kind(models.TextChoices):
        SOURCE = "source", _("Source text")
        STRATEGY = "strategy", _("National strategy")
        LEGISLATION = "legislation", _("Legislation")
        POLICY = "policy", _("Policy")
        POSITION = "position", _("National position")
        THREAT_ASSESSMENT = "threat_assessment", _("National threat assessment")

    class Format(models.TextChoices):
        TEXT = "text", _("Plain text")
        PDF = "pdf", _("PDF")
        DOCX = "docx", _("Word (DOCX)")

    slug = models.SlugField(max_length=120, unique=True)
    symbol = models.CharField(_("document symbol"), max_length=120, blank=True, db_index=True)
    title_en = models.CharField(_("title in English"), max_length=400, blank=True)
    title_ar = models.CharField(_("title in Arabic"), max_length=400, blank=True)
    language = models.CharField(_("language"), max_length=8)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    original = models.TextField(_("original text"))
    notes = models.TextField(_("ingestion notes"), blank=True)
    ingested_at = models.DateTimeField(default=timezone.now)
    owner = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SOURCE)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices, blank=True)
    audience_participants = models.ManyToManyField(Participant, related_name="+", blank=True)
    # A national document its participant withdrew: kept (citations, the audit log) but read
    # by nobody and out of the search index.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawing"), blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["symbol", "file_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=True, audience="")
                | models.Q(owner__isnull=False, audience__in=Audience.values),
                name="owned_documents_have_an_audience",
            )
        ]

    def __str__(self) -> str:
        return self.symbol or self.file_name

    @property
    def title(self) -> str:
        preferred = self.title_ar if get_language() == "ar" else self.title_en
        return preferred or self.title_en or self.title_ar or self.file_name

    @property
    def is_shared(self) -> bool:
        """Read by everyone who may search: a source text, or a public national document.
        Only these enter the shared search index (see ``search.py``); never once withdrawn."""
        return self.withdrawn_at is None and (self.owner_id is None or self.audience == Audience.PUBLIC)


class Passage(models.Model):
    """A unit of a document with the source's own locator ("26(c)", "CBM 8", "2.12(a)")."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="passages")
    order = models.PositiveIntegerField()
    locator = models.CharField(_("locator"), max_length=120, blank=True)
    heading = models.CharField(max_length=400, blank=True)
    language = models.CharField(max_length=8)
    text = models.TextField()
    first_line = models.PositiveIntegerField(null=True, blank=True)
    last_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["document", "order"]
        constraints = [models.UniqueConstraint(fields=["document", "order"], name="one_passage_per_position")]

    def __str__(self) -> str:
        return f"{self.document} {self.locator or self.order}"


class CitedPassage(models.Model):
    """A catalogue citation resolved to the passage that contains it."""

    citation = models.ForeignKey(Citation, on_delete=models.CASCADE, related_name="passages")
    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="citations")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["citation", "passage"], name="one_link")]

    def __str__(self) -> str:
        return f"{self.citation} -> {self.passage}"


class SearchEntry(models.Model):
    """One searchable unit, a catalogue item in one language, a passage, or an entry a room
    registered (an activity...), as analysed text.

    ``terms`` holds the analysed tokens (normalized, stemmed) separated by spaces; the
    database's full-text index is built over it (see ``search.py``)."""

    class Kind(models.TextChoices):
        ITEM = "item", _("Catalogue item")
        PASSAGE = "passage", _("Passage")

    # "item", "passage", or the name of a source registered with ``search.register_source``.
    kind = models.CharField(max_length=32)
    # A registered source's own key for the entry (an activity's id); empty for items and passages.
    key = models.CharField(max_length=64, blank=True)
    # SET_NULL, not CASCADE: the index must see what it loses to keep its statistics exact;
    # orphaned entries are skipped by searches and replaced by the next reindex.
    item = models.ForeignKey(
        "catalogue.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    passage = models.ForeignKey(Passage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    language = models.CharField(max_length=8)
    framework = models.CharField(max_length=60, blank=True, db_index=True)
    document = models.CharField(max_length=120, blank=True, db_index=True)
    item_kind = models.CharField(max_length=60, blank=True, db_index=True)
    pillars = models.CharField(max_length=200, blank=True, help_text="space-separated pillar codes")
    title = models.CharField(max_length=400)
    text = models.TextField()
    terms = models.TextField()
    length = models.PositiveIntegerField(default=0)
    # Readable by visitors who are not signed in: every item and passage, and the entries a
    # source marks so (``Searchable.public``). Visitors search these only (``search.py``).
    public = models.BooleanField(default=False)

    class Meta:
        # No index on ``public``: the planner would walk it instead of the full-text matches.
        indexes = [models.Index(fields=["kind", "language"]), models.Index(fields=["kind", "key"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.title}"


class SearchTermStat(models.Model):
    """How many search entries contain a term (document frequency), kept by ``search.py``.

    Two reserved rows hold the corpus totals: ``" entries"`` (number of entries) and
    ``" length"`` (sum of their lengths). BM25 is computed from these integers in
    Python, so SQLite and PostgreSQL rank identically. ``public_df`` counts the public
    entries only: visitors' searches are scored as if the index held nothing else."""

    term = models.CharField(max_length=60, unique=True)
    df = models.BigIntegerField(default=0)
    public_df = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term}:{self.df}"
