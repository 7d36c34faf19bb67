"""One benchmark scenario for locust: POST one GraphQL document (or GET a floor URL) in a loop.

Driven by benchmarks/http_load.py through environment variables, one scenario per locust run:
BENCH_PATH (/graphql or a floor route), BENCH_BODY (JSON body, for POST), BENCH_TOKEN.
"""

from __future__ import annotations

import os

from locust import FastHttpUser, constant, task


class Client(FastHttpUser):
    wait_time = constant(0)
    path = os.environ.get("BENCH_PATH", "/graphql")
    body = os.environ.get("BENCH_BODY", "")
    headers = {
        "Authorization": f"Bearer {os.environ.get('BENCH_TOKEN', '')}",
        "Content-Type": "application/json",
    }

    @task
    def request(self) -> None:
        name = os.environ.get("BENCH_NAME", self.path)
        if self.body:
            with self.client.post(
                self.path, data=self.body, headers=self.headers, name=name, catch_response=True
            ) as response:
                _judge(response)
        else:
            with self.client.get(
                self.path, headers=self.headers, name=name, catch_response=True
            ) as response:
                _judge(response)


def _judge(response: object) -> None:
    status = getattr(response, "status_code", 0)
    text = getattr(response, "text", "") or ""
    if status != 200:
        response.failure(f"HTTP {status}")  # type: ignore[attr-defined]
    elif '"errors"' in text[:200]:
        response.failure("GraphQL errors")  # type: ignore[attr-defined]
    else:
        response.success()  # type: ignore[attr-defined]
