"""Responses are written with orjson, as text, and values it refuses fall back to json."""

from __future__ import annotations

import json

from syncpoint.core.graphql import SyncpointRouter
from syncpoint.schema import build_schema


def test_responses_are_text_json_and_past_64_bits_falls_back_to_the_standard_encoder() -> None:
    router = SyncpointRouter(build_schema())
    plain = router.encode_json({"data": {"n": 1, "s": "é", "list": [1.5, None]}})
    assert isinstance(plain, str)  # WebSocket frames are text
    assert json.loads(plain) == {"data": {"n": 1, "s": "é", "list": [1.5, None]}}
    huge = router.encode_json({"data": {"n": 2**70}})
    assert json.loads(huge) == {"data": {"n": 2**70}}
