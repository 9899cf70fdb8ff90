"""The in-process channel layer of embedded mode, made to scale with many clients."""

import time

from channels.layers import InMemoryChannelLayer


class ThrottledInMemoryChannelLayer(InMemoryChannelLayer):
    """channels' in-memory layer, sweeping expired messages at most once a second.

    The stock layer walks every channel on every receive; with 500 dashboard
    clients a single broadcast cost 250,000 steps. Messages still expire
    (after ``expiry`` seconds), just up to a second later.
    """

    sweep_interval = 1.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._next_sweep = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.sweep_interval
        super()._clean_expired()
