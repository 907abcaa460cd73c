"""Progress bars for long command-line operations."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tqdm import tqdm


@contextmanager
def progress_bar(total: int, description: str, stream: Any = None) -> Iterator[Callable[[int], None]]:
    """Yield a function that advances a bar of ``total`` steps (hidden when not on a terminal)."""
    out = getattr(stream, "_out", stream)
    with tqdm(total=total, desc=description, unit="", file=out, disable=None, leave=True) as bar:
        yield bar.update
