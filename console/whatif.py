"""The policy what-if page (issue 17): choose or upload a proposed policy, pick a period, see
the comparison as tables and charts, download it as CSV or as a PDF board paper.

The page only translates: the figures come from services.whatif, the files from
services.whatif_output. A policy file that does not load is shown with the field it names,
as at start-up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from console import backend
from console.charts import bar_chart
from console.session import Session, csrf_ok
from console.web import Forbidden, render, supervisor
from core.policies import known_versions
from domain.errors import PolicyFileError
from domain.simulation import Comparison
from edge.deps import Services, services
from services.errors import InvalidInput
from services.whatif import WhatIf
from services.whatif_output import as_csv, as_pdf, title

router = APIRouter(prefix="/console/what-if", include_in_schema=False)
MAX_FILE = 200_000  # bytes: a policy file is a few kilobytes
SHOWN_CASES = 100  # cases listed on the page; the CSV and the paper list them all


def _default_period() -> tuple[date, date]:
    end = datetime.now(UTC).date()
    return end - timedelta(days=365), end


def _date(values: dict[str, str], field: str, default: date) -> date:
    raw = values.get(field, "")
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(field, f"{field}: enter a date as YYYY-MM-DD, not {raw!r}") from None


async def _form(request: Request, s: Session) -> tuple[dict[str, str], str]:
    """The submitted fields and the uploaded file's text (empty when none was chosen)."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if not csrf_ok(s, values.get("csrf_token")):
        raise Forbidden("This form has expired. Go back, reload the page and try again.")
    upload = form.get("policy_file")
    text = values.get("policy_text", "")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(MAX_FILE + 1)
        if len(raw) > MAX_FILE:
            raise InvalidInput("policy_file", "policy_file: the file is too large for a policy")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("policy_file", "policy_file: the file is not UTF-8 text") from None
        values["policy_name"] = upload.filename
    return values, text


async def _compare(svc: Services, s: Session, values: dict[str, str], text: str) -> WhatIf:
    first, last = _default_period()
    period = (_date(values, "from", first), _date(values, "to", last))
    name = values.get("policy_name") or "uploaded policy file"
    version = values.get("version") or None
    return await backend.what_if(svc, s.principal, period, version, text or None, name)


def _charts(comparison: Comparison) -> list[str]:
    """Current beside proposed for the figures a board asks about first."""
    rows = comparison.rows()

    def pairs(section: str, measure: str | None = None) -> list[tuple[str, float]]:
        bars: list[tuple[str, float]] = []
        for sec, m, now, then, _ in rows:
            if sec.startswith(section) and (measure is None or m == measure):
                label = sec.removeprefix("Deadlines: ") if measure else m
                bars += [(f"{label}, now", float(now)), (f"{label}, proposed", float(then))]
        return bars

    found = [
        ("Deadlines late or missed, now and proposed", pairs("Deadlines: ", "late or missed")),
        ("Escalations, now and proposed", pairs("Escalations")),
        ("Letters, now and proposed", pairs("Letters")),
    ]
    return [bar_chart(name, bars) for name, bars in found if bars]


def _page(
    request: Request,
    s: Session,
    values: dict[str, str],
    result: WhatIf | None = None,
    errors: list[tuple[str, str]] | None = None,
    text: str = "",
) -> HTMLResponse:
    first, last = _default_period()
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    if result is not None:
        for sec, measure, now, then, diff in result.comparison.rows():
            sections.setdefault(sec, []).append((measure, now, then, diff))
    return render(
        request, "whatif.html", s, 422 if errors else 200, title="Policy what-if",
        versions=known_versions(s.principal.landlord), values=values, errors=errors or [],
        start=values.get("from") or first.isoformat(), end=values.get("to") or last.isoformat(),
        result=result, heading=title(result) if result else "", sections=sections,
        charts=_charts(result.comparison) if result else [], shown=SHOWN_CASES, text=text,
    )  # fmt: skip


@router.get("", response_class=HTMLResponse)
async def whatif_form(request: Request, s: Session = Depends(supervisor)) -> Response:
    return _page(request, s, {})


@router.post("", response_class=HTMLResponse)
async def whatif_run(
    request: Request, s: Session = Depends(supervisor), svc: Services = Depends(services)
) -> Response:
    values: dict[str, str] = {}
    try:
        values, text = await _form(request, s)
        result = await _compare(svc, s, values, text)
    except PolicyFileError as invalid:
        return _page(request, s, values, errors=[("policy_file", str(invalid))])
    except InvalidInput as invalid:
        return _page(request, s, values, errors=[(invalid.field, invalid.message)])
    return _page(request, s, values, result=result, text=text)


@router.post("/download")
async def whatif_download(
    request: Request, s: Session = Depends(supervisor), svc: Services = Depends(services)
) -> Response:
    try:
        values, text = await _form(request, s)
    except InvalidInput as invalid:
        return Response(invalid.message, status_code=422, media_type="text/plain")
    kind = values.get("format", "")
    if kind not in ("csv", "pdf"):
        return Response("format: must be csv or pdf", status_code=422, media_type="text/plain")
    try:
        result = await _compare(svc, s, values, text)
    except (PolicyFileError, InvalidInput) as invalid:
        return Response(str(invalid), status_code=422, media_type="text/plain")
    name = f"{result.landlord}-what-if-{result.proposed_version}-{result.start}-{result.end}"
    if kind == "csv":
        body, media = as_csv(result).encode(), "text/csv"
    else:
        body, media = as_pdf(result), "application/pdf"
    disposition = f'attachment; filename="{name}.{kind}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})
