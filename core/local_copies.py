"""Copies, in this process, of values the shared cache holds (see `LocalCopies`).

On Redis every cache read is a round trip, and a signed-in page asked for a dozen
values that change only when the data does (cms.caching's memos and fragments under the
purge generation, accounts.data_version's answers per user under the data version).
"""

import pickle
import threading
import time
from collections import OrderedDict


class LocalCopies:
    """This process's copies of values kept in the shared cache, each with its own life.

    Bounded (least recently used out); values kept pickled, so each reader gets its own
    copy to change, as a read from the shared cache gives. The keys must say when a value
    is no longer right (they carry a generation or version the caller reads from the
    shared cache), since one process cannot tell another to drop its copies."""

    def __init__(self, size: int = 2048):
        self.size = size
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            expires, data = item
            if expires <= time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
        return pickle.loads(data)

    def set(self, key: str, value, seconds: int) -> None:
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._items[key] = (time.monotonic() + seconds, data)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
