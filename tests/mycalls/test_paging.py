"""The call log's pages and ``since`` as properties: whatever calls happened, walking ``pg`` from
1 to ``totalPages`` lists every call of the app exactly once, newest first, 100 a page, with a
page object that adds up; ``since`` answers exactly the calls newer than it; any ``pg`` at all
answers a page (Django's rule: not a number -> the first, out of range -> the last)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import APP, CALL_LOG_APP, MC

PROPERTY = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def walk(mc: MC, **params: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every page of the call log: (the calls in page order, the page objects)."""
    first = mc.call_log(**params)
    pages = [first]
    for pg in range(2, first["page"]["totalPages"] + 1):
        pages.append(mc.call_log(pg=pg, **params))
    return [c for p in pages for c in p["data"]], [p["page"] for p in pages]


def key(uid: str) -> tuple[int, int]:
    epoch, seq = uid.split(".")
    return int(epoch), int(seq)


def check_pages(calls: list[dict[str, Any]], pages: list[dict[str, Any]]) -> None:
    total = pages[0]["totalItems"]
    assert len(calls) == total and len({c["uid"] for c in calls}) == total
    assert [key(c["uid"]) for c in calls] == sorted((key(c["uid"]) for c in calls), reverse=True)
    assert len(pages) == max(1, -(-total // 100))
    for n, page in enumerate(pages, 1):
        start = (n - 1) * 100 + 1 if total else 0
        end = min(n * 100, total)
        assert (page["pageNumber"], page["startIndex"], page["endIndex"], page["pageItems"]) == (
            n, start, end, end - start + 1 if total else 0)
        assert page["totalItems"] == total and page["totalPages"] == len(pages)


@PROPERTY
@given(gaps=st.lists(st.integers(0, 400), max_size=40), data=st.data())
def test_pages_list_every_call_once_and_since_only_newer(mc_factory: Any, gaps: list[int],
                                                          data: st.DataObject) -> None:
    mc = mc_factory()
    made = []
    for i, gap in enumerate(gaps):
        made.append(mc.inbound(f"90000{i:05d}")["id"])
        if gap:
            mc.advance(gap)
    calls, pages = walk(mc)
    check_pages(calls, pages)
    uids = [c["uid"] for c in calls]
    assert uids[:len(made)] == made[::-1]  # the new calls, newest first, ahead of the history
    assert uids[-1] == "1498110438.13"
    states = {c["id"]: c["state"] for c in mc.control("GET", "/calls?limit=1000")}
    assert [c["active"] for c in calls[:len(made)]] == [states[u] != "ended" for u in made[::-1]]
    # since: a listed uid, the epoch second of one, or its local ISO time
    pick = data.draw(st.sampled_from(calls), label="since")
    form = data.draw(st.sampled_from(["uid", "epoch", "iso"]), label="form")
    since = {"uid": pick["uid"], "epoch": pick["uid"].split(".")[0], "iso": pick["time"]}[form]
    newer, newer_pages = walk(mc, since=since)
    check_pages(newer, newer_pages)
    bound = key(pick["uid"]) if form == "uid" else (key(pick["uid"])[0], 0)
    assert newer == [c for c in calls if key(c["uid"]) > bound]
    sent = f"?since={since}".replace(":", "%3A").replace("+", "%2B")  # as httpx encodes it
    assert all(p["first"].endswith(f"{sent}&pg=1") for p in newer_pages)
    assert newer_pages[0]["cur"].endswith(sent)


@PROPERTY
@given(pg=st.one_of(st.integers(-10**6, 10**6).map(str), st.text(max_size=12),
                    st.sampled_from(["", " 2 ", "+3", "2.0", "1e2", "٣", "9" * 5000])))
def test_any_pg_answers_a_page(mc_factory: Any, pg: str) -> None:
    mc = mc_factory()
    r = mc.get(f"/api/v1/app/{CALL_LOG_APP}/calls", pg=pg)
    assert r.status_code == 200, r.text
    page = r.json()["page"]
    pages = page["totalPages"]
    try:
        wanted = int(pg)
    except ValueError:
        wanted = 1
    assert page["pageNumber"] == (wanted if 1 <= wanted <= pages else pages)
    assert len(r.json()["data"]) == page["pageItems"]
    assert page["last"].endswith(f"/calls?pg={pages}") and page["first"].endswith("/calls?pg=1")


def test_an_app_without_calls_has_one_empty_page(mc: MC) -> None:
    other = mc.new_tenant()
    since = other.call_log()["data"][0]["uid"]
    body = other.ok("GET", f"/api/v1/app/{APP}/calls", since=since, pg="2")
    assert body == {"page": {
        "totalItems": 0, "last": f"http://testserver/api/v1/app/{APP}/calls?since={since}&pg=1", "pageItems": 0,
        "pageNumber": 1, "cur": f"http://testserver/api/v1/app/{APP}/calls?since={since}&pg=2", "endIndex": 0,
        "startIndex": 0, "totalPages": 1, "first": f"http://testserver/api/v1/app/{APP}/calls?since={since}&pg=1"},
        "data": []}
