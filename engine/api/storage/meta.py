"""Metadata the server sets: uid, timestamps, generated names (randomness injectable)."""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any

from engine.clock import Clock

Obj = dict[str, Any]

# utilrand.String's alphabet: no vowels (no words), no confusable characters.
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
NAME_SUFFIX = 5
MAX_GENERATED_PREFIX = 63 - NAME_SUFFIX


def rfc3339(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(seconds)))


def parse_rfc3339(text: str) -> float:
    import calendar

    return float(calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")))


class Identity:
    """Where uids and generated-name suffixes come from; tests pass a seeded one."""

    def uid(self) -> str:
        return str(uuid.uuid4())

    def suffix(self) -> str:
        return "".join(secrets.choice(NAME_ALPHABET) for _ in range(NAME_SUFFIX))


class SeededIdentity(Identity):
    def __init__(self, seed: int = 0) -> None:
        import random

        self._random = random.Random(seed)

    def uid(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def suffix(self) -> str:
        return "".join(self._random.choice(NAME_ALPHABET) for _ in range(NAME_SUFFIX))


def generated_name(prefix: str, identity: Identity) -> str:
    return prefix[:MAX_GENERATED_PREFIX] + identity.suffix()


def metadata(obj: Obj) -> Obj:
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = obj["metadata"] = {}
    return meta


def now(clock: Clock) -> str:
    return rfc3339(clock.time())
