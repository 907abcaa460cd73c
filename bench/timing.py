"""Timing shared by the benchmarks that compare Thiqa with a baseline by repeated runs: the
actions run in turn, round after round, so that whatever else the machine does weighs on
each alike, and each is given by its median in seconds.

Standard library only, so a benchmark may import it before it sets up Django."""

import statistics
import time
from collections.abc import Callable, Sequence

Action = Callable[[], object]


def medians(actions: Sequence[Action], repeat: int, *, warm_up: bool = True) -> list[float]:
    """The median seconds of each action over ``repeat`` rounds in which every action runs
    once, in turn; after one untimed run of each unless ``warm_up`` is false (for actions
    that take minutes)."""
    if warm_up:
        for action in actions:
            action()
    samples: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for action, times in zip(actions, samples, strict=True):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
    return [statistics.median(times) for times in samples]


def timed_pair(first: Action, second: Action, repeat: int, *, warm_up: bool = True) -> tuple[float, float]:
    """The medians of two actions run in turn: a baseline and Thiqa, or two ways of Thiqa."""
    first_median, second_median = medians((first, second), repeat, warm_up=warm_up)
    return first_median, second_median


def timed(action: Action, repeat: int, *, warm_up: bool = True) -> float:
    """The median of one action: a figure printed without a baseline of its own."""
    return medians((action,), repeat, warm_up=warm_up)[0]
