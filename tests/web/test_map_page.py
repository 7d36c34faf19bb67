"""The director's web page at /web/map."""

from __future__ import annotations

from html import escape

from strawberry.relay import to_base64

from syncpoint.core.auth import Role
from tests.support.insights_factories import worked_example

AS_OF = "2027-01-20"
LATE_SENTENCE = (
    "Ranking needs FS-12 Freshness features by 2027-02-01 but Features delivers it on "
    "2027-02-08: 7 days late."
)


async def test_page_shows_teams_flags_bottlenecks_and_downloads(api, session):
    await worked_example(session)
    token = await api.login(Role.DIRECTOR)

    page = await api.http.get(
        "/web/map", params={"asOf": AS_OF}, headers={"Authorization": f"Bearer {token}"}
    )

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    for team in ("Ranking", "Features", "Search"):
        assert f"<td>{team}</td>" in html
    assert escape(LATE_SENTENCE) in html
    assert '<span class="badge HIGH">LATE</span>' in html  # the worst flag of Features -> Ranking
    assert "<h2>Bottlenecks</h2>" in html
    assert f'"/exports/dependency-map.dot?level=TEAM&amp;asOf={AS_OF}" data-download' in html
    assert token not in html  # the header's token is never written into the page
    assert "http://" not in html.replace("http://www.w3.org", "")  # nothing from a CDN


async def test_page_accepts_a_bearer_header_and_a_group(api, session):
    ex = await worked_example(session)
    token = await api.login(Role.VIEWER)

    page = await api.http.get(
        "/web/map",
        params={"asOf": AS_OF, "groupId": to_base64("Group", ex.group.id)},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert page.status_code == 200
    assert "Discovery (with its subgroups)" in page.text
    assert "token=" not in page.text  # a header token is never copied into links


async def test_page_without_a_valid_token_is_401(api, session):
    await worked_example(session)

    anonymous = await api.http.get("/web/map")
    forged = await api.http.get("/web/map", headers={"Authorization": "Bearer sp_forged"})

    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("text/html")
    assert "Authentication required" in anonymous.text
    assert forged.status_code == 401
