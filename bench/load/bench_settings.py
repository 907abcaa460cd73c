"""Settings of the load benchmark's server only (bench/load/run.py): Thiqa's own settings with
a URL conf that adds the bare views beside Thiqa's routes. Never used in production: the
production server reads ``thiqa.settings``, whose URL conf has no bare view."""

from thiqa.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
