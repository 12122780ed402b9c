"""The cache's lock: a second computation of the same entry waits for the first."""

import threading
import time

from formlab.io.cache import clear_track_cache, computing


def test_the_same_key_waits_and_another_key_does_not(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    events: list[str] = []
    inside = threading.Event()

    def first():
        with computing("k"):
            events.append("first in")
            inside.set()
            time.sleep(0.3)
            events.append("first out")

    def second(key):
        inside.wait()
        with computing(key):
            events.append(f"{key} in")

    a = threading.Thread(target=first)
    b = threading.Thread(target=second, args=("k",))
    c = threading.Thread(target=second, args=("other",))
    for t in (a, b, c):
        t.start()
    for t in (a, b, c):
        t.join(timeout=10)
    assert events.index("first out") < events.index("k in")  # waited for the first
    assert events.index("other in") < events.index("first out")  # another entry: no wait
    assert clear_track_cache() == 0 and not list((tmp_path / "cache" / "locks").glob("*.lock"))


def test_a_read_only_cache_is_no_lock(tmp_path, monkeypatch, readonly_dir):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(readonly_dir))
    with computing("k"):
        with computing("k"):  # would wait for ever if it were a lock
            pass
