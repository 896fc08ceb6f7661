"""The live keys at the last committed revision, held in memory.

Like kube-apiserver's watch cache, it answers reads at the current revision without
touching LMDB: a get is a dict lookup, a range a slice of a sorted key list, and no value
is copied. The writer updates it after each commit, before the events fan out. LMDB stays
the durable truth; the state is rebuilt from it on open.
"""

from __future__ import annotations

import threading

from sortedcontainers import SortedList

from .records import Event, EventType, KeyValue

# UTF-8 byte order equals code point order, so str keys sort as LMDB sorts their bytes.
_MAX_CODE_POINT = 0x10FFFF


def prefix_end(prefix: str) -> str | None:
    """The smallest key greater than every key starting with prefix (None: no bound)."""
    while prefix:
        last = ord(prefix[-1])
        if last < _MAX_CODE_POINT:
            return prefix[:-1] + chr(last + 1)
        prefix = prefix[:-1]
    return None


class CurrentState:
    def __init__(self, items: list[KeyValue], revision: int) -> None:
        self._lock = threading.Lock()
        self._items = {item.key: item for item in items}
        self._keys = SortedList(self._items)
        self.revision = revision

    def apply(self, events: list[Event], revision: int) -> None:
        with self._lock:
            items, keys = self._items, self._keys
            for event in events:
                key = event.key
                if event.type is EventType.PUT:
                    if key not in items:
                        keys.add(key)
                    items[key] = event.kv
                elif items.pop(key, None) is not None:
                    keys.remove(key)
            self.revision = revision

    def get(self, key: str) -> tuple[KeyValue | None, int]:
        with self._lock:
            return self._items.get(key), self.revision

    def range(self, prefix: str, begin: str, limit: int) -> tuple[list[KeyValue], int, int]:
        """(items, how many keys of the prefix follow them, revision)."""
        with self._lock:
            keys = self._keys
            first = keys.bisect_left(begin)
            bound = prefix_end(prefix)
            last = len(keys) if bound is None else keys.bisect_left(bound)
            end = first + limit if limit and last - first > limit else last
            items = self._items
            found = [items[key] for key in keys.islice(first, end)]
            return found, last - end, self.revision

    def __len__(self) -> int:
        return len(self._items)
