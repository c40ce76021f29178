"""Smoke tests proving the real-server fixtures in tests/services.py work."""

import psycopg
import pytest
import redis


def test_redis_set_get_and_restart_on_same_port(redis_server):
    assert redis_server.url == f"redis://127.0.0.1:{redis_server.port}/0"
    client = redis.Redis.from_url(redis_server.url, socket_timeout=2)
    assert client.set("svc-check", "hello")
    assert client.get("svc-check") == b"hello"

    port = redis_server.port
    redis_server.stop()
    try:
        with pytest.raises(redis.exceptions.ConnectionError):
            redis.Redis.from_url(redis_server.url, socket_timeout=1).ping()
    finally:
        redis_server.start()  # always bring it back for other tests

    assert redis_server.port == port
    client = redis.Redis.from_url(redis_server.url, socket_timeout=2)
    assert client.ping()
    assert client.get("svc-check") is None  # no persistence across restarts
    assert client.set("svc-check", "again")
    assert client.get("svc-check") == b"again"
    client.delete("svc-check")


def test_postgres_create_database_and_query(postgres_server):
    assert (
        postgres_server.url
        == f"postgresql+psycopg://survey@127.0.0.1:{postgres_server.port}/postgres"
    )
    url = postgres_server.create_database("svc_check")
    assert url == f"postgresql+psycopg://survey@127.0.0.1:{postgres_server.port}/svc_check"

    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo, connect_timeout=5) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
        assert conn.execute("select current_database()").fetchone() == ("svc_check",)

    # Re-creating gives a fresh, empty database.
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("create table t (x int)")
    postgres_server.create_database("svc_check")
    with psycopg.connect(conninfo) as conn:
        assert conn.execute("select to_regclass('public.t')").fetchone() == (None,)
