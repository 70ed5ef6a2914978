"""The day's print batch: postal letters of several cases in one PDF, each address in the
window of a C5 envelope; the post room marks them posted and each letter says so."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from activities.letters.pdf import WINDOW
from tests.api.conftest import Headers, report
from tests.pdf_support import page_count, pdf_text, placed_text

NAMES = ("Ada Lovelace", "Grace Hopper", "Mary Somerville")


def postal_report(name: str, n: int) -> dict[str, Any]:
    return report("X", parties=[
        {"role": "complainant", "name": name, "address": f"{n} Mill Lane, Ludlow, SY8 {n}AB",
         "preferred_channel": "post"},
        {"role": "alleged_perpetrator", "name": "Sam Neighbour", "address": "2 High Street"},
    ])  # fmt: skip


def in_window(x_mm: float, y_mm: float) -> bool:
    left, top, width, height = WINDOW
    return left <= x_mm <= left + width and top <= y_mm <= top + height


async def test_print_batch_places_each_address_in_the_window_and_marks_posted(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    officer = auth(user="officer.jones")
    references = []
    for n, name in enumerate(NAMES, start=1):
        opened = await api.post("/cases", json=postal_report(name, n), headers=officer)
        reference = opened.json()["reference"]
        await api.post(f"/cases/{reference}/actions/acknowledge", json={}, headers=officer)
        references.append(reference)
    today = datetime.now(ZoneInfo("Europe/London")).date().isoformat()

    batch = (await api.get(f"/print-batches/{today}", headers=officer)).json()
    ours = [x for x in batch["letters"] if x["key"].split(":")[0] in references]
    assert len(ours) == 3 and {x["status"] for x in ours} == {"queued_for_post"}

    response = await api.get(batch["pdf"], headers=officer)
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.content
    keys = response.headers["X-Letter-Keys"].split(",")
    assert {x["key"] for x in ours} <= set(keys)
    # One PDF: every letter's stored pages, in order, and nothing else.
    singles = [
        (await api.get(f"/cases/{k.split(':')[0]}/letters/{k}/pdf", headers=officer)).content
        for k in keys
    ]
    assert page_count(pdf) == int(response.headers["X-Page-Count"]) == sum(map(page_count, singles))
    text = pdf_text(pdf)
    placed = placed_text(pdf)
    for n, name in enumerate(NAMES, start=1):
        assert f"Dear {name}," in text
        [at] = [p for p in placed if p.text == name]  # the address block's first line
        lines = [p for p in placed if p.page == at.page and abs(p.x_mm - at.x_mm) < 0.1]
        block = [p for p in lines if 0 <= p.y_mm - at.y_mm < 40]
        assert [p.text for p in block][:4] == [name, f"{n} Mill Lane", "Ludlow", f"SY8 {n}AB"]
        for line in block[:4]:
            assert in_window(line.x_mm, line.y_mm), (line, WINDOW)
        letterhead = [p for p in placed if p.page == at.page and p.text == "Connexus Homes"]
        assert letterhead and not in_window(letterhead[0].x_mm, letterhead[0].y_mm)

    wrong = {"letters": [ours[0]["key"], "ASB-0000-NOPE:letter:1"]}
    refused = await api.post(f"/print-batches/{today}/posted", headers=officer, json=wrong)
    assert refused.status_code == 422 and "ASB-0000-NOPE" in refused.text
    listed = (await api.get(f"/cases/{references[0]}/letters", headers=officer)).json()
    assert listed[0]["status"] == "queued_for_post"  # nothing was marked

    posted = await api.post(f"/print-batches/{today}/posted", headers=officer,
                            json={"letters": [x["key"] for x in ours]})  # fmt: skip
    assert posted.status_code == 200
    assert {x["status"] for x in posted.json()} == {"posted"}
    for reference in references:
        [letter] = (await api.get(f"/cases/{reference}/letters", headers=officer)).json()
        assert letter["status"] == "posted" and letter["sent_at"] is not None
        timeline = (await api.get(f"/cases/{reference}/timeline", headers=officer)).json()
        assert timeline[-1]["summary"] == "Acknowledgement letter to the complainant: posted."
        assert timeline[-1]["actor"] == "officer.jones"
    other = (await api.get(f"/print-batches/{today}", headers=auth(landlord="B"))).json()
    assert not [x for x in other["letters"] if x["key"].split(":")[0] in references]
    # Issue 16: the batch's PDF prints each address, so each case in it was read (and recorded).
    for reference in references:
        reads = await api.get(f"/cases/{reference}/access-records?limit=500", headers=auth("admin"))
        routes = {(r["route"], r["user_id"]) for r in reads.json()["items"]}
        assert {
            ("api_print_batch_pdf", "officer.jones"),
            ("api_letter_pdf", "officer.jones"),
        } <= routes
