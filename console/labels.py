"""Plain-English names for the engine's codes. Wording only: no rule is decided here."""

from __future__ import annotations

from domain.case import Clock, Stage

STAGES: dict[str, str] = {
    Stage.RECEIVED: "Received",
    Stage.RISK_ASSESSMENT: "Risk assessment",
    Stage.ACTION_PLAN: "Action plan",
    Stage.INVESTIGATION: "Investigation",
    Stage.NON_LEGAL_REMEDIES: "Non-legal remedies",
    Stage.PEIA: "Proportionality assessment",
    Stage.LEGAL_ACTION: "Legal action",
    Stage.CLOSURE_REVIEW: "Closure review",
    Stage.CLOSED: "Closed",
    Stage.SURVEY: "Survey",
    Stage.FINISHED: "Finished",
}

# Each clock with the rule it comes from (the rules catalogue, docs/rules.md).
CLOCKS: dict[str, tuple[str, str]] = {
    Clock.ACKNOWLEDGEMENT: ("Acknowledge the report", "R13"),
    Clock.FIRST_CONTACT: ("First contact with the complainant", "R14"),
    Clock.NEXT_CONTACT: ("Next agreed contact", "R37"),
    Clock.RISK_REVIEW: ("Review the risk assessment", "R16, R18"),
    Clock.CLOSURE_REVIEW: ("Review whether to close", "R47"),
    Clock.RESOLUTION_TARGET: ("Resolution target", "R52"),
    Clock.SURVEY: ("Satisfaction survey window", "R51"),
    Clock.STALL: ("No progress recorded", "R47"),
}

AWAITING: dict[str, str] = {
    "peia_approval": "A supervisor's approval of the proportionality assessment (R43)",
    "closure_consultation": "Consulting the complainant about closure (R46)",
    "closure_approval": "A supervisor's approval to close (R46)",
}

LETTER_STATUS: dict[str, tuple[str, str]] = {  # status -> (words, GOV.UK tag colour)
    "sent": ("Sent", "green"),
    "queued_for_post": ("Queued for post", "blue"),
    "failed": ("Failed", "red"),
    "unconfirmed": ("Unconfirmed", "yellow"),
    "suppressed": ("Not sent: anonymous", "grey"),
    "rendered": ("Waiting to send", "blue"),
    "sending": ("Sending", "blue"),
    "pending": ("Waiting to send", "blue"),
}


ACRONYMS = {"peia": "PEIA", "asb": "ASB", "tsm": "TSM", "cctv": "CCTV", "s115": "s115"}


def words(code: str) -> str:
    """``record_risk_assessment`` -> ``Record risk assessment``; ``complete_peia`` -> ``Complete
    PEIA``."""
    text = " ".join(ACRONYMS.get(w, w) for w in code.split("_"))
    return text[:1].upper() + text[1:]


def stage(code: str) -> str:
    return STAGES.get(code, words(code))


def clock(code: str) -> str:
    return CLOCKS.get(code, (words(code), ""))[0]


def clock_rule(code: str) -> str:
    return CLOCKS.get(code, ("", ""))[1]


def letter_status(code: str) -> tuple[str, str]:
    return LETTER_STATUS.get(code, (words(code), "grey"))


# Where an access record's read happened (services/access.py Route).
ACCESS_ROUTES: dict[str, str] = {
    "api_case": "API: the case",
    "api_timeline": "API: the timeline",
    "api_letters": "API: the letters",
    "api_letter_pdf": "API: a letter's PDF",
    "api_history_export": "API: the history export",
    "api_referrals": "API: the referrals",
    "api_print_batch_pdf": "API: the day's print batch (addresses)",
    "codec_decode": "Temporal UI: payloads decoded",
    "console_case": "Console: the case page",
    "console_letter_pdf": "Console: a letter's PDF",
    "console_history": "Console: the case history",
    "console_case_list": "Console: My cases (complainant's name)",
}


def access_route(code: str) -> str:
    return ACCESS_ROUTES.get(code, words(code))
