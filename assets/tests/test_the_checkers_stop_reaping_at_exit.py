"""At interpreter exit the spare-keeping thread stops before multiprocessing joins its children.

Otherwise it could close a used child's process object between multiprocessing's
listing of its children and its join, and every exit of a web process printed
"Exception ignored in atexit callback ... process object is closed".
"""

import atexit

from assets import inspection


def test_stop_ends_the_thread_and_it_reaps_no_more(monkeypatch):
    registered = []
    monkeypatch.setattr(atexit, "register", registered.append)
    checkers = inspection._Checkers()
    assert checkers.wait_until_ready(timeout=30)
    assert registered == [checkers._stop]

    checkers._stop()

    checkers._thread.join(timeout=5)
    assert not checkers._thread.is_alive()
    ready = list(checkers._ready)
    for checker in ready:
        checker.kill()
        checker.reap(timeout=5)
    assert len(ready) == inspection.SPARE_CHECKERS
