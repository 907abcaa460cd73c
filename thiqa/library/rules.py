"""The document library and the search over it.

The source documents are public texts, read like the catalogue (``catalogue.rules``); adding
one is the secretariat's. The search is open to the same readers, but visitors and people
outside the community search only the public part of the index (catalogue items, passages
and the entries a room marked public), never the entries it holds for the community.

The rules of the library room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from thiqa.accounts import policy
from thiqa.accounts.policy import Action
from thiqa.catalogue.rules import reads_public_texts

policy.register(
    {
        "library.view": Action(reads_public_texts, writes=False, public=True),
        "library.ingest": Action(lambda u, t: policy.is_secretariat(u), writes=True),
        "search.query": Action(reads_public_texts, writes=False, public=True),
        "search.community_entries": Action(lambda u, t: policy.in_community(u), writes=False),
    }
)
