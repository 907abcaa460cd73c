"""Demo data loaders: each room registers one; ``thiqa demo`` runs them in order."""

from collections.abc import Callable

LOADERS: list[tuple[str, Callable[[], list[str]]]] = []


def demo_loader(name: str) -> Callable[[Callable[[], list[str]]], Callable[[], list[str]]]:
    """Register a loader; it must be idempotent and return lines to print (log-ins...)."""

    def register(loader: Callable[[], list[str]]) -> Callable[[], list[str]]:
        if name not in dict(LOADERS):
            LOADERS.append((name, loader))
        return loader

    return register
