"""The load benchmark's simulated users (run by bench/load/run.py, which passes the session,
the token and the cycle in the environment). Each of Thiqa's requests has a bare twin, with
the same weight, that reads the same rows (bench_urls.py): their figures are compared."""

import os
import random

from locust import HttpUser, between, task

WORDS = ["confidence", "cooperation", "incident", "contact", "critical", "الثقة", "التعاون"]
PROXY = {"X-Forwarded-Proto": "https"}  # the server runs the production profile behind a "proxy"


class Person(HttpUser):
    """A signed-in focal point moving between the main pages and its CERT tool's API calls."""

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.page = {
            **PROXY,
            "Cookie": f"{os.environ['THIQA_LOAD_COOKIE']}={os.environ['THIQA_LOAD_SESSION']}",
        }
        self.api = {**PROXY, "Authorization": f"Bearer {os.environ['THIQA_LOAD_TOKEN']}"}
        self.cycle = os.environ["THIQA_LOAD_CYCLE"]
        self.collection = os.environ["THIQA_LOAD_COLLECTION"]

    def _get(self, path: str, name: str, headers: dict[str, str], **params: str) -> None:
        with self.client.get(path, headers=headers, params=params, name=name, catch_response=True,
                             allow_redirects=False) as response:  # fmt: skip
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(2)
    def inbox_page(self) -> None:
        self._get("/messages/", "page: inbox", self.page)

    @task(2)
    def directory_page(self) -> None:
        self._get("/directory/", "page: directory", self.page)

    @task(2)
    def inbox_api(self) -> None:
        self._get("/api/v1/messages", "api: inbox", self.api, box="inbox")

    @task(2)
    def catalogue_search(self) -> None:
        self._get("/api/v1/search", "api: catalogue search", self.api, q=random.choice(WORDS), type="item")

    @task(2)
    def compilation(self) -> None:
        self._get(f"/api/v1/reporting/cycles/{self.cycle}/compilation", "api: compilation", self.api)

    @task(2)
    def taxii_objects(self) -> None:
        accept = {**self.api, "Accept": "application/taxii+json;version=2.1"}
        self._get(f"/taxii2/api/collections/{self.collection}/objects/", "api: taxii objects", accept)

    # --- the bare twins: the same rows, read by a plain Django view --------------------------

    @task(4)
    def bare_inbox(self) -> None:  # twin of both inbox requests
        self._get("/bench/bare/inbox", "bare: inbox", self.page)

    @task(2)
    def bare_directory(self) -> None:
        self._get("/bench/bare/directory", "bare: directory", self.page)

    @task(2)
    def bare_catalogue_search(self) -> None:
        self._get("/bench/bare/catalogue-search", "bare: catalogue search", self.api, q=random.choice(WORDS))

    @task(2)
    def bare_compilation(self) -> None:
        self._get(f"/bench/bare/compilation/{self.cycle}", "bare: compilation", self.api)

    @task(2)
    def bare_taxii_objects(self) -> None:
        self._get(f"/bench/bare/taxii-objects/{self.collection}", "bare: taxii objects", self.api)
