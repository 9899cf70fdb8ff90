"""REDIS_URL switches the channel layer and the cache to Redis."""

import pytest


def test_it_configures_channels_redis_and_the_redis_cache(settings_under):
    loaded = settings_under(REDIS_URL="redis://cache.internal:6380/3")
    layer = loaded["CHANNEL_LAYERS"]["default"]
    # Subclasses of channels_redis's layer and Django's RedisCache that ride out outages.
    assert layer["BACKEND"] == "klipperiwc_site.channel_layers.RedisChannelLayer"
    assert layer["CONFIG"]["hosts"] == ["redis://cache.internal:6380/3"]
    cache = loaded["CACHES"]["default"]
    assert cache["BACKEND"] == "klipperiwc_site.cache.TolerantRedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6380/3"


def test_it_uses_a_redis_broker_and_result_backend_when_given(settings_under):
    loaded = settings_under(CELERY_BROKER_URL="redis://broker.internal:6379/1")
    assert loaded["CELERY_BROKER_URL"] == "redis://broker.internal:6379/1"
    assert loaded["CELERY_RESULT_BACKEND"] == "redis://broker.internal:6379/1"


REDIS_ROUND_TRIP = """
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
cache.set("settings-test", "cached", 30)
layer = get_channel_layer()
channel = async_to_sync(layer.new_channel)()
async_to_sync(layer.send)(channel, {"type": "probe", "text": "through redis"})
message = async_to_sync(layer.receive)(channel)
print(type(layer).__name__, cache.get("settings-test"), message["text"])
"""


@pytest.mark.requires_redis
def test_cache_and_channel_layer_work_against_a_real_redis(manage, project_env, redis_url):
    result = manage("shell", "--no-imports", "-c", REDIS_ROUND_TRIP, env=project_env(REDIS_URL=redis_url))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "RedisChannelLayer cached through redis"
