"""The demo loads the whole catalogue (it is reference data, not sample data)."""

from thiqa.catalogue.loader import load_catalogue
from thiqa.lib.demo import demo_loader


@demo_loader("catalogue")
def load() -> list[str]:
    result = load_catalogue()
    return [f"Catalogue: {result.frameworks} frameworks, {result.items} items."]
