"""Failover on loopback: one of two app processes behind nginx dies in the middle of a class.

The sessions on the other process keep working, and every new student (a fresh browser, or
one whose affinity cookie names the dead process) lands on the survivor, with 0 errors.
Needs Debian's nginx, as tests/scaleout/test_proxy.py (skipped without it, failed under CI).
"""

from __future__ import annotations

import time

from bench import load
from deploy.cluster import AFFINITY_COOKIE, cluster
from serving.stclient import StreamlitSession, run_async
from tests.scaleout.test_proxy import health, needs_nginx, one_cookie_per_backend


def served_by(upstreams: str) -> str:
    """The backend that answered: the last of nginx's ``$upstream_addr`` list (a request whose
    cookie names the dead process is refused there first, then passed to the next one,
    and the header lists both: ``"127.0.0.1:A, 127.0.0.1:B"``)."""
    return upstreams.split(", ")[-1]


async def binary_session(url: str, cookie: str | None = None) -> StreamlitSession:
    session = StreamlitSession(url, page="binary")
    if cookie:
        session.cookies[AFFINITY_COOKIE] = cookie
    await session.connect()
    result = await session.open()
    assert result.ok, result
    return session


async def move_p(session: StreamlitSession, p: float) -> None:
    """Move the binary page's p slider; the run must finish cleanly and show BCE at p."""
    result = await session.set_slider("p", p)
    assert result.ok and not result.exceptions and not result.error_alerts, result


def test_killing_one_backend_leaves_the_other_sessions_and_new_ones_on_the_survivor() -> None:
    """Kill one process (SIGKILL) with sessions on both: the survivor's sessions go on, and
    fresh browsers and browsers holding the dead process's cookie all reach the survivor."""
    needs_nginx()
    with cluster(backends=2) as running:
        cookies = one_cookie_per_backend(running.url)
        victim_url, survivor_url = running.backend_urls
        victim = victim_url.removeprefix("http://")
        survivor = survivor_url.removeprefix("http://")

        async def scenario() -> tuple[list[str], dict[str, int]]:
            on_survivor = [await binary_session(running.url, cookies[survivor]) for _ in range(3)]
            on_victim = [await binary_session(running.url, cookies[victim]) for _ in range(3)]
            assert {s.backend for s in on_survivor} == {survivor}
            assert {s.backend for s in on_victim} == {victim}
            for s in on_survivor + on_victim:
                await move_p(s, 0.3)

            running.backends[0].kill()  # mid-class: no goodbye
            running.backends[0].wait(timeout=10)
            t_killed = time.monotonic()

            for k, s in enumerate(on_survivor):  # the survivor's students go on
                for p in (0.4, 0.6, 0.8):
                    await move_p(s, p + k / 100)
            newcomers = [await binary_session(running.url) for _ in range(4)]  # fresh
            newcomers += [await binary_session(running.url, cookies[victim]) for _ in range(2)]
            for s in newcomers:
                await move_p(s, 0.7)
            landed: dict[str, int] = {}
            for s in newcomers:
                landed[served_by(s.backend)] = landed.get(served_by(s.backend), 0) + 1
            errors = [e for s in on_survivor + newcomers for e in s.exceptions_seen]
            for s in on_survivor + newcomers + on_victim:
                await s.close()
            assert time.monotonic() - t_killed < 60
            return errors, landed

        errors, landed = run_async(scenario())
        assert errors == []
        assert landed == {survivor: 6}
        # plain requests too: any cookie (or none) is answered by the survivor
        for cookie in (None, cookies[victim], cookies[survivor]):
            assert served_by(health(running.url, cookie)[0]) == survivor
        # and a browser holding the dead process's cookie is given the survivor's, so its
        # next requests go straight there
        assert health(running.url, cookies[victim])[1] == cookies[survivor]
        assert health(running.url, cookies[survivor]) == (survivor, None)
        # and a short load through nginx afterwards has no errors
        plan, _ = run_async(
            load.run_load(
                running.url,
                table_sessions=3,
                training_sessions=1,
                players=1,
                duration=30.0,
                think=(0.2, 0.5),
                max_actions=2,
            )
        )
        assert plan.rec.errors == []
        assert {served_by(b) for b in plan.backends} == {survivor}
        assert running.nginx.poll() is None and running.backends[1].poll() is None
