"""Reconnect delays: capped exponential with jitter; the first retry within 2 s, never more than 30 s."""

from status.sources.moonraker.source import Backoff


def delays(rng_value: float, count: int = 12) -> list[float]:
    backoff = Backoff(rng=lambda: rng_value)
    return [backoff.next() for _ in range(count)]


def test_the_first_retry_comes_within_2_seconds():
    assert 0 < delays(0.0)[0] <= delays(1.0)[0] <= 2.0


def test_delays_double_until_the_30_second_cap():
    longest = delays(1.0)

    assert longest[:5] == [1.5, 3.0, 6.0, 12.0, 24.0]
    assert longest[5:] == [30.0] * 7


def test_jitter_keeps_each_delay_between_half_and_all_of_its_step():
    shortest, longest = delays(0.0), delays(1.0)

    assert [low / high for low, high in zip(shortest, longest, strict=True)] == [0.5] * 12
    assert min(shortest) > 0


def test_reset_starts_over_from_the_first_delay():
    backoff = Backoff(rng=lambda: 1.0)
    for _ in range(6):
        backoff.next()

    backoff.reset()

    assert backoff.next() == 1.5
