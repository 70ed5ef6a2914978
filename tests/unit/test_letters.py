"""Letters: every kind renders, missing data fails loudly, and confidentiality holds (R8, R9)."""

from __future__ import annotations

import re
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from jinja2 import UndefinedError

from activities.letters import (
    SPECS,
    AnonymousRecipientError,
    Appointment,
    ConfidentialityError,
    Consent,
    LetterContext,
    LetterKind,
    MissingLetterFieldError,
    Party,
    Recipient,
    RecipientRole,
    RenderedLetter,
    WrongRecipientError,
    render_letter,
    render_pdf,
)
from activities.letters import render as render_module
from activities.letters.kinds import FOLDER
from activities.letters.pdf import latin1
from activities.letters.spec import Facts, LetterSources
from core.policies import load_policy, load_profile
from db.models import Case as CaseRow
from db.models import Party as PartyRow
from domain.actions.registry import ACTIONS
from domain.commands import SendLetter
from domain.vocabulary import PartyRole

TEMPLATES = FOLDER
Role = RecipientRole
K = LetterKind

COMPLAINANT = Party(
    name="Siobhan O'Brien",
    address="Flat 2, 14 Acacia Avenue\nLeeds\nLS6 2AB",
    email="siobhan.obrien@example.org",
    phone="07700 900123",
)
PERPETRATOR = Recipient(
    name="Mr Dale Hughes",
    salutation="Mr Hughes",
    address="16 Acacia Avenue, Leeds, LS6 2AB",  # a neighbour: same street and postcode
    email="dale@example.net",
)

SAMPLES: dict[LetterKind, dict[str, Any]] = {
    K.ACKNOWLEDGEMENT: {"report_date": date(2026, 3, 2), "next_contact_date": date(2026, 3, 5)},
    K.ACTION_PLAN: {
        "actions": [
            "We will visit the household at number 16 by 10 March",
            "You will keep diary sheets for four weeks",
        ],
        "next_contact_date": date(2026, 3, 17),
        "contact_frequency": "every two weeks by phone",
    },
    K.INTERVIEW_INVITATION: {
        "appointment": Appointment(starts_at=datetime(2026, 3, 10, 14, 30), place="your home"),
    },
    K.FAILED_CONTACT: {
        "contact_attempts": ["a phone call on 3 March 2026", "a home visit on 5 March 2026"],
        "respond_by": date(2026, 3, 19),
    },
    K.WARNING: {
        "behaviour": "loud music and shouting between midnight and 3am on several nights",
        "effect": "neighbours have been kept awake and a child in the block is frightened",
        "incident_dates": [date(2026, 2, 20), date(2026, 2, 27)],
        "tenancy_clauses": [
            "Clause 4.1: not to cause nuisance or annoyance",
            "Clause 4.3: not to make noise that can be heard outside the home between 11pm and 7am",
        ],
    },
    K.ABC: {
        "behaviour": "repeated noise late at night",
        "abc_terms": [
            "not to play amplified music after 11pm",
            "not to shout or swear in the shared stairwell",
        ],
        "contract_end_date": date(2026, 9, 30),
    },
    K.NOISE_MONITORING_NOTICE: {
        "monitoring_method": "noise monitoring equipment",
        "monitoring_start": date(2026, 3, 16),
        "monitoring_end": date(2026, 3, 30),
    },
    K.CLOSURE_NOTICE: {
        "closure_reason": "you told us on 20 April that the noise has stopped",
        "actions_taken": ["interviewed the household concerned", "issued a written warning"],
        "consulted_on": date(2026, 4, 20),
    },
    K.SURVEY_INVITATION: {
        "survey_link": "https://survey.example.org/asb?c=abc123",
        "survey_closes_on": date(2026, 5, 8),
    },
    K.CASE_REVIEW_RIGHTS: {
        "local_authority": "County Durham",
        "case_review_threshold": [
            "three or more separate incidents about the same problem in six months",
            "one hate incident or hate crime in six months",
            "five or more people reporting the same problem in six months",
        ],
        "case_review_contact": "Durham County Council on 03000 260 000",
    },
    K.REFERRAL: {
        "agency_name": "Leeds Mental Health Support",
        "referral_reason": "support with mental health, to help sustain the tenancy",
        "referral_subject": Party(name="Mr Dale Hughes", phone="07700 900555"),
        "referral_subject_role": Role.ALLEGED_PERPETRATOR,
        "sharing_basis": "consent; Leeds information-sharing agreement v3",
        "consent": Consent(
            given_by_role=Role.ALLEGED_PERPETRATOR,
            given_on=date(2026, 3, 11),
            scope="his contact details and the reason for referral",
        ),
    },
    K.REFERRAL_CHASE: {
        "agency_name": "Leeds Mental Health Support",
        "referral_made_on": date(2026, 3, 11),
    },
}
SAMPLES[K.OFFICER_CHANGED] = SAMPLES[K.ACKNOWLEDGEMENT]  # R19: the same letter, new officer
SAMPLES[K.CLOSURE_CONFIRMATION] = SAMPLES[K.CLOSURE_NOTICE]  # R46 (Y)
# R30: to the alleged perpetrator, the invitation says what was reported.
PERPETRATOR_INVITATION = {
    "appointment": Appointment(
        starts_at=datetime(2026, 3, 11, 10, 0), place="our office at 1 High Street"
    ),
    "behaviour": "loud music and shouting late at night",
}

RECIPIENTS: dict[Role, Recipient] = {
    Role.COMPLAINANT: Recipient(**COMPLAINANT.model_dump(), salutation="Ms O'Brien"),
    Role.REPORTER: Recipient(name="Cllr Priya Shah", email="priya.shah@council.example"),
    Role.ALLEGED_PERPETRATOR: PERPETRATOR,
    Role.WITNESS: Recipient(name="Mrs Ann Lowe", address="18 Acacia Avenue, Leeds, LS6 2AB"),
    Role.AGENCY: Recipient(name="Referrals Team", email="referrals@support.example"),
    Role.STAFF: Recipient(name="Grace Mensah", email="grace.mensah@northgate.example"),
}


def first_role(kind: LetterKind) -> Role:
    return sorted(SPECS[kind].recipients)[0]


def context(kind: LetterKind, role: Role | None = None, **overrides: Any) -> LetterContext:
    role = role or (
        Role.COMPLAINANT if Role.COMPLAINANT in SPECS[kind].recipients else first_role(kind)
    )
    fields: dict[str, Any] = {
        "reference": "ASB-2026-000123",
        "landlord_name": "Northgate Homes",
        "letter_date": date(2026, 3, 3),
        "recipient": RECIPIENTS[role],
        "recipient_role": role,
        "officer_name": "Tom Reid",
        "officer_title": "Neighbourhood Housing Officer",
        "officer_contact": "0113 496 0000 or tom.reid@northgate.example",
        **SAMPLES[kind],
    }
    fields.update(overrides)
    return LetterContext(**fields)


def flat(text: str) -> str:
    """Text with line wrapping undone."""
    return " ".join(text.split())


def perpetrator_context(kind: LetterKind, **overrides: Any) -> LetterContext:
    """A letter to the alleged perpetrator, with the complainant declared as protected."""
    overrides.setdefault("confidential_parties", [COMPLAINANT])
    return context(kind, Role.ALLEGED_PERPETRATOR, **overrides)


def invitation_to_perpetrator() -> LetterContext:
    return perpetrator_context(K.INTERVIEW_INVITATION, **PERPETRATOR_INVITATION)


class _StrictHtml(HTMLParser):
    VOID = frozenset({"br", "meta"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"unbalanced </{tag}>"


def assert_balanced_html(markup: str) -> None:
    parser = _StrictHtml()
    parser.feed(markup)
    parser.close()
    assert parser.open == []


# Every kind renders --------------------------------------------------------------------------


def test_every_kind_has_one_spec_beside_one_template_and_every_template_is_used() -> None:
    """A newcomer finds a kind's letter in one guess: kinds/<kind>.py beside kinds/<kind>.j2."""
    assert set(SPECS) == set(LetterKind) == set(SAMPLES)
    for kind, spec in SPECS.items():
        assert spec.kind is kind
        assert spec.template == f"{kind.value}.j2"
        assert (TEMPLATES / f"{kind.value}.py").is_file(), kind
        assert (TEMPLATES / spec.template).is_file(), kind
    modules = {p.stem for p in TEMPLATES.glob("*.py")} - {"__init__"}
    assert modules == {kind.value for kind in LetterKind}
    # Every template is a kind's own, or a layout some kind's template extends: none is kept
    # for tests alone.
    templates = {t.name for t in TEMPLATES.glob("*.j2")}
    own = {spec.template for spec in SPECS.values()}
    extended = {
        name
        for t in TEMPLATES.glob("*.j2")
        for name in re.findall(r'{%\s*extends\s+"([^"]+)"', t.read_text())
    }
    assert templates - own == {"_letter.j2"}
    assert templates - own <= extended


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_kind_renders_text_and_html(kind: LetterKind) -> None:
    letter = render_letter(kind, context(kind))
    assert letter.subject and "\n" not in letter.subject
    assert "ASB-2026-000123" in letter.subject
    for output in (letter.text, letter.html):
        assert "None" not in output
        assert "{{" not in output and "{%" not in output
    assert letter.subject in letter.text
    assert max(len(line) for line in letter.text.splitlines()) <= 90  # wrapped, except URLs
    assert letter.html.startswith("<!DOCTYPE html>")
    assert_balanced_html(letter.html)


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_kind_renders_with_only_its_required_fields(kind: LetterKind) -> None:
    """Templates treat every other per-kind field as optional (`is defined`)."""
    optional = {name: None for name in SAMPLES[kind] if name not in SPECS[kind].required}
    letter = render_letter(kind, context(kind, officer_title=None, **optional))
    assert letter.text.strip()


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_kind_signs_off_with_the_officer(kind: LetterKind) -> None:
    letter = render_letter(kind, context(kind))
    assert "Tom Reid" in letter.text
    assert "0113 496 0000" in letter.text


def test_acknowledgement_names_the_officer_and_next_contact_r13() -> None:
    text = render_letter(K.ACKNOWLEDGEMENT, context(K.ACKNOWLEDGEMENT)).text
    flat = " ".join(text.split())
    assert "Tom Reid, Neighbourhood Housing Officer, is dealing with your case" in flat
    assert "named contact" in text
    assert "5 March 2026" in text
    assert "Dear Ms O'Brien," in text


def test_action_plan_copies_every_agreed_action_r28() -> None:
    text = render_letter(K.ACTION_PLAN, context(K.ACTION_PLAN)).text
    for action in SAMPLES[K.ACTION_PLAN]["actions"]:
        assert f"- {action}" in text
    assert "every two weeks by phone" in text
    assert "17 March 2026" in text


def test_failed_contact_follows_two_attempts_and_explains_options_r29() -> None:
    text = render_letter(K.FAILED_CONTACT, context(K.FAILED_CONTACT)).text
    assert "legal action" in text and "mediation" in text
    assert "19 March 2026" in text
    one_attempt = context(K.FAILED_CONTACT, contact_attempts=["a phone call on 3 March"])
    with pytest.raises(MissingLetterFieldError, match="R29"):
        render_letter(K.FAILED_CONTACT, one_attempt)


def test_interview_invitations_offer_support_r26_r30() -> None:
    complainant = render_letter(K.INTERVIEW_INVITATION, context(K.INTERVIEW_INVITATION)).text
    assert "Tuesday 10 March 2026 at 2:30pm" in complainant
    assert "British Sign Language" in complainant and "advocate" in complainant
    perpetrator = render_letter(K.INTERVIEW_INVITATION, invitation_to_perpetrator()).text
    assert "Wednesday 11 March 2026 at 10am" in perpetrator
    assert "your side" in perpetrator and "No decision has been made" in perpetrator


def test_phone_interview_needs_no_place() -> None:
    by_phone = Appointment(starts_at=datetime(2026, 3, 10, 9, 15), by_phone=True)
    text = render_letter(
        K.INTERVIEW_INVITATION, context(K.INTERVIEW_INVITATION, appointment=by_phone)
    ).text
    assert "We will phone you on Tuesday 10 March 2026 at 9:15am." in text
    with pytest.raises(ValueError, match="place"):
        Appointment(starts_at=datetime(2026, 3, 10, 9, 15))


def test_warning_states_behaviour_effect_and_clauses_r40() -> None:
    text = render_letter(K.WARNING, perpetrator_context(K.WARNING)).text
    flat = " ".join(text.split())
    sample = SAMPLES[K.WARNING]
    assert f"What has been reported: {sample['behaviour']}" in flat
    assert f"The effect it is having on others: {sample['effect']}" in flat
    for clause in sample["tenancy_clauses"]:
        assert " ".join(clause.split()) in flat
    assert "Dear Mr Hughes," in text


def test_abc_is_voluntary_and_has_signature_lines_r40() -> None:
    text = render_letter(K.ABC, perpetrator_context(K.ABC)).text
    assert "voluntary" in text and "30 September 2026" in text
    assert "Signed (you):" in text and "Signed (for Northgate Homes):" in text


def test_noise_monitoring_notice_tells_the_alleged_perpetrator_r34() -> None:
    text = render_letter(
        K.NOISE_MONITORING_NOTICE, perpetrator_context(K.NOISE_MONITORING_NOTICE)
    ).text
    assert "noise monitoring equipment from 16 March 2026 until 30 March 2026" in flat(text)


@pytest.mark.parametrize("kind", [K.CLOSURE_NOTICE, K.CLOSURE_CONFIRMATION])
def test_closure_confirms_reason_and_actions_taken_r46_r50(kind: LetterKind) -> None:
    text = render_letter(kind, context(kind)).text
    assert "Thank you for talking with us on 20 April 2026" in text
    assert "Why we have closed it: you told us on 20 April that the noise has stopped" in flat(text)
    for action in SAMPLES[kind]["actions_taken"]:
        assert f"- {action}" in text
    assert "Housing Ombudsman" in text


def test_survey_invitation_links_the_survey_r51() -> None:
    letter = render_letter(K.SURVEY_INVITATION, context(K.SURVEY_INVITATION))
    link = SAMPLES[K.SURVEY_INVITATION]["survey_link"]
    assert link in letter.text
    assert f'<a href="{link}">' in letter.html
    with pytest.raises(ValueError):
        context(K.SURVEY_INVITATION, survey_link="javascript:alert(1)")


def test_case_review_rights_give_the_local_threshold_r56() -> None:
    text = render_letter(K.CASE_REVIEW_RIGHTS, context(K.CASE_REVIEW_RIGHTS)).text
    assert "In County Durham, you can ask for a case review" in text
    for criterion in SAMPLES[K.CASE_REVIEW_RIGHTS]["case_review_threshold"]:
        assert f"- {criterion}" in text
    assert "Community Trigger" in flat(text) and "03000 260 000" in flat(text)


def test_referral_states_sharing_basis_and_consent_r38() -> None:
    text = render_letter(K.REFERRAL, context(K.REFERRAL)).text
    flat = " ".join(text.split())
    assert "Information-sharing basis: consent; Leeds information-sharing agreement v3" in flat
    assert "Consent: given by the alleged perpetrator on 11 March 2026" in flat
    assert "Name: Mr Dale Hughes" in text
    without = render_letter(K.REFERRAL, context(K.REFERRAL, consent=None)).text
    assert "we have not recorded consent" in without


# Missing data fails loudly -----------------------------------------------------------------


def sample_role(kind: LetterKind) -> Role:
    perpetrator = Role.ALLEGED_PERPETRATOR
    return perpetrator if perpetrator in SPECS[kind].recipients else first_role(kind)


@pytest.mark.parametrize(
    ("kind", "field"),
    [(k, f) for k in LetterKind for f in SPECS[k].required_fields(sample_role(k))],
)
def test_each_required_field_is_enforced(kind: LetterKind, field: str) -> None:
    role = sample_role(kind)
    extra = PERPETRATOR_INVITATION if kind is K.INTERVIEW_INVITATION else {}
    ctx = context(kind, role, **{**extra, field: None})
    with pytest.raises(MissingLetterFieldError, match=field):
        render_letter(kind, ctx)


def test_strict_undefined_catches_a_field_the_checks_missed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Even if the required-field table forgot one, the template refuses to print a blank."""
    monkeypatch.setitem(SPECS, K.WARNING, replace(SPECS[K.WARNING], required=("behaviour",)))
    with pytest.raises(MissingLetterFieldError, match="incident_dates") as caught:
        render_letter(K.WARNING, perpetrator_context(K.WARNING, incident_dates=None))
    assert isinstance(caught.value.__cause__, UndefinedError)


@pytest.mark.parametrize("html", [False, True])
def test_environments_are_strict(html: bool) -> None:
    env = render_module._environment(html=html)
    with pytest.raises(UndefinedError):
        env.from_string("Dear {{ nobody }}").render()


def test_empty_values_are_rejected_at_the_boundary() -> None:
    with pytest.raises(ValueError):
        context(K.ACTION_PLAN, actions=[])
    with pytest.raises(ValueError):
        context(K.WARNING, behaviour="   ")
    with pytest.raises(ValueError, match="before"):
        context(K.NOISE_MONITORING_NOTICE, monitoring_end=date(2026, 3, 1))


def test_letters_only_go_to_their_intended_recipients() -> None:
    with pytest.raises(WrongRecipientError):
        render_letter(
            K.NOISE_MONITORING_NOTICE, context(K.NOISE_MONITORING_NOTICE, Role.COMPLAINANT)
        )
    with pytest.raises(WrongRecipientError):
        render_letter(K.CLOSURE_NOTICE, perpetrator_context(K.CLOSURE_NOTICE))
    with pytest.raises(WrongRecipientError):
        render_letter(K.REFERRAL, context(K.REFERRAL, Role.STAFF))


def test_html_escapes_values_and_text_keeps_them() -> None:
    nasty = "music <script>alert('x')</script> & shouting"
    letter = render_letter(K.WARNING, perpetrator_context(K.WARNING, behaviour=nasty))
    assert "<script>" not in letter.html
    assert "&lt;script&gt;" in letter.html and "&amp; shouting" in letter.html
    assert "<script>alert('x')</script> & shouting" in " ".join(letter.text.split())


def test_templates_have_no_characters_that_need_escaping() -> None:
    """Template text goes into HTML unescaped, so it must not contain & < >."""
    for template in TEMPLATES.glob("*.j2"):
        literal = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", template.read_text(), flags=re.S)
        assert not re.search(r"[&<>]", literal), template.name


# Confidentiality by construction (R4, R8, R9) ----------------------------------------------

PERPETRATOR_KINDS = sorted(k for k in LetterKind if Role.ALLEGED_PERPETRATOR in SPECS[k].recipients)


@pytest.mark.parametrize("kind", PERPETRATOR_KINDS)
def test_perpetrator_letters_refuse_a_context_carrying_the_complainant(kind: LetterKind) -> None:
    extra = PERPETRATOR_INVITATION if kind is K.INTERVIEW_INVITATION else {}
    with pytest.raises(ConfidentialityError, match="R9"):
        render_letter(kind, perpetrator_context(kind, complainant=COMPLAINANT, **extra))


def test_witness_letters_refuse_the_complainant_even_with_consent() -> None:
    consent = Consent(given_by_role=Role.COMPLAINANT, given_on=date(2026, 3, 1), scope="all")
    ctx = context(K.ACKNOWLEDGEMENT, Role.COMPLAINANT, complainant=COMPLAINANT, consent=consent)
    witness = ctx.model_copy(
        update={"recipient": RECIPIENTS[Role.WITNESS], "recipient_role": Role.WITNESS}
    )
    with pytest.raises(ConfidentialityError):
        render_letter(K.ACKNOWLEDGEMENT, witness)


def victim_referral(consent: Consent | None) -> LetterContext:
    return context(
        K.REFERRAL,
        referral_subject=COMPLAINANT,
        referral_subject_role=Role.COMPLAINANT,
        complainant=COMPLAINANT,
        agency_name="Victim Support",
        referral_reason="emotional support after repeated harassment",
        consent=consent,
    )


def test_agency_gets_the_complainant_only_with_the_complainants_consent_r38() -> None:
    with pytest.raises(ConfidentialityError):
        render_letter(K.REFERRAL, victim_referral(consent=None))
    perpetrators = Consent(
        given_by_role=Role.ALLEGED_PERPETRATOR, given_on=date(2026, 3, 1), scope="his details"
    )
    with pytest.raises(ConfidentialityError):
        render_letter(K.REFERRAL, victim_referral(consent=perpetrators))
    complainants = Consent(
        given_by_role=Role.COMPLAINANT,
        given_on=date(2026, 3, 1),
        scope="her contact details and a summary of the incidents",
    )
    text = render_letter(K.REFERRAL, victim_referral(consent=complainants)).text
    assert "Name: Siobhan O'Brien" in text and "Phone: 07700 900123" in text


def test_third_party_reporter_learns_nothing_about_the_victim_without_consent_r4() -> None:
    ctx = context(K.ACKNOWLEDGEMENT, Role.REPORTER, complainant=COMPLAINANT)
    with pytest.raises(ConfidentialityError, match="R4"):
        render_letter(K.ACKNOWLEDGEMENT, ctx)
    consent = Consent(
        given_by_role=Role.COMPLAINANT,
        given_on=date(2026, 3, 1),
        scope="that the councillor may be told of progress",
    )
    text = render_letter(K.ACKNOWLEDGEMENT, ctx.model_copy(update={"consent": consent})).text
    assert "on behalf of Siobhan O'Brien" in flat(text)


LEAKS = {
    "full name": "shouting at Siobhan O'Brien",
    "full name, curly apostrophe": "shouting at Siobhan O\u2019Brien",
    "full name, other case": "shouting at SIOBHAN O'BRIEN",
    "surname with a title": "shouting at Ms O'Brien",
    "house number and street": "shouting outside 14 Acacia Avenue",
    "flat": "shouting at the door of Flat 2",
    "email": "messages sent to Siobhan.OBrien@example.org",
    "phone, spaced differently": "calls to 077 0090 0123",
    "phone, international": "calls to +44 7700 900123",
}


@pytest.mark.parametrize("kind", [K.WARNING, K.INTERVIEW_INVITATION])
@pytest.mark.parametrize("leak", list(LEAKS), ids=list(LEAKS))
def test_free_text_leaks_of_the_complainant_are_blocked(kind: LetterKind, leak: str) -> None:
    extra = PERPETRATOR_INVITATION if kind is K.INTERVIEW_INVITATION else {}
    ctx = perpetrator_context(kind, **{**extra, "behaviour": LEAKS[leak]})
    with pytest.raises(ConfidentialityError) as caught:
        render_letter(kind, ctx)
    message = str(caught.value)
    assert "O'Brien" not in message and "Acacia" not in message and "900123" not in message


def test_a_leak_split_across_wrapped_lines_is_blocked() -> None:
    def leaky(words: int) -> LetterContext:
        effect = "noise " * words + "reported by Siobhan O'Brien"
        return perpetrator_context(K.WARNING, effect=effect)

    # Find a length at which the name is broken over two lines of the text version.
    words = next(
        n
        for n in range(40)
        if "Siobhan\nO'Brien" in render_module._render(SPECS[K.WARNING], leaky(n)).text
    )
    with pytest.raises(ConfidentialityError):
        render_letter(K.WARNING, leaky(words))


def test_a_leak_in_the_postcode_is_blocked_unless_it_is_the_recipients_own() -> None:
    elsewhere = perpetrator_context(
        K.WARNING,
        recipient=Recipient(name="Mr Dale Hughes", address="3 Elm Road, Leeds, LS7 1XY"),
        behaviour="noise reported from ls62ab",
    )
    with pytest.raises(ConfidentialityError, match="postcode"):
        render_letter(K.WARNING, elsewhere)
    # Neighbours share a postcode: printing the recipient's own address is no leak.
    text = render_letter(K.WARNING, perpetrator_context(K.WARNING)).text
    assert "LS6 2AB" in text


def test_relatives_sharing_a_surname_do_not_block_the_letter() -> None:
    relative = Party(name="Mrs Karen Hughes", address="2 Birch Close, Leeds, LS8 4QP")
    letter = render_letter(
        K.WARNING, perpetrator_context(K.WARNING, confidential_parties=[relative])
    )
    assert "Dear Mr Hughes," in letter.text


def test_complainant_letters_do_not_leak_a_protected_witness() -> None:
    witness = Party(name="Mrs Ann Lowe", address="18 Acacia Avenue, Leeds, LS6 2AB")
    ctx = context(
        K.CLOSURE_NOTICE,
        actions_taken=["took a statement from Mrs Lowe"],
        confidential_parties=[witness],
    )
    with pytest.raises(ConfidentialityError):
        render_letter(K.CLOSURE_NOTICE, ctx)


def test_templates_never_see_the_protected_parties() -> None:
    variables = render_module._template_variables(perpetrator_context(K.WARNING))
    assert "confidential_parties" not in variables
    assert "complainant" not in variables


def test_a_clean_perpetrator_letter_passes_both_locks() -> None:
    letter = render_letter(K.WARNING, perpetrator_context(K.WARNING))
    for token in ("Siobhan", "O'Brien", "14 Acacia", "Flat 2", "900123", "example.org"):
        assert token not in letter.text and token not in letter.html


@pytest.mark.parametrize("kind", list(LetterKind))
def test_anonymous_recipients_receive_nothing_r8(kind: LetterKind) -> None:
    ctx = context(kind)
    anonymous = ctx.model_copy(update={"recipient": Recipient(name="Anonymous", anonymous=True)})
    with pytest.raises(AnonymousRecipientError, match="R8"):
        render_letter(kind, anonymous)


# PDF ---------------------------------------------------------------------------------------

LETTERHEAD = "Northgate Homes\n1 High Street, Leeds LS1 1AA\n0113 496 0999"


def pdf_text(data: bytes) -> str:
    """Text shown by the PDF's content streams (fpdf2 writes Flate-compressed `(..) Tj`)."""
    shown: list[str] = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content):
            shown.append(re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1"))
    return "\n".join(shown)


def test_pdf_is_a_real_pdf_with_the_letter_in_it() -> None:
    letter = render_letter(K.WARNING, perpetrator_context(K.WARNING))
    data = render_pdf(letter, LETTERHEAD)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert 1_000 < len(data) < 100_000
    text = pdf_text(data)
    expected_text = (
        "Northgate Homes",
        "ASB-2026-000123",
        "Dear Mr Hughes,",
        letter.subject,
        "Clause 4.1: not to cause nuisance or annoyance",
        "Northgate Homes - page 1 of",
    )
    for expected in expected_text:
        assert expected in text, expected


def test_pdf_is_byte_identical_for_a_fixed_creation_time() -> None:
    letter = render_letter(K.CLOSURE_NOTICE, context(K.CLOSURE_NOTICE))
    created = datetime(2026, 4, 21, 9, 0, tzinfo=UTC)
    assert render_pdf(letter, LETTERHEAD, created=created) == render_pdf(
        letter, LETTERHEAD, created=created
    )


def test_long_letters_flow_onto_more_pages_and_unicode_is_tolerated() -> None:
    actions = [
        f"action {n}: \u201cwe\u2019ll\u201d visit \u2013 \u0141ukasz \u2026 \u20ac5"
        for n in range(80)
    ]
    letter = render_letter(K.ACTION_PLAN, context(K.ACTION_PLAN, actions=actions))
    data = render_pdf(letter, LETTERHEAD)
    assert len(re.findall(rb"/Type /Page\b", data)) >= 2
    assert 'action 79: "we\'ll" visit - Lukasz ... EUR5' in pdf_text(data)
    assert latin1("Zo\u00eb \u0218tefan") == "Zo\u00eb Stefan"


def test_pdf_needs_a_letterhead() -> None:
    letter = RenderedLetter(subject="s", text="t", html="<p>t</p>")
    with pytest.raises(ValueError):
        render_pdf(letter, "  \n ")


# Each kind's facts come from what the deciding action declares ------------------------------

# A value for each ``SendLetter.data`` key the actions declare (domain/actions, LetterFacts).
DECIDED: dict[str, Any] = {
    "names_contact": True, "contact_by": "2026-03-05", "next_contact_by": "2026-03-17",
    "interval_days": 14, "actions": ["We will visit"], "version": 1,
    "attempts": ["phone|2026-03-02T10:00:00+00:00", "visit|2026-03-03T11:00:00+00:00"],
    "at": "2026-03-10T10:00:00+00:00", "place": "the office", "by_phone": False,
    "limb": "incidents", "evidence_kind": "noise_app", "from": "2026-03-05",
    "behaviour": "loud music", "effect": "sleep lost", "incident_dates": ["2026-03-01"],
    "tenancy_clauses": ["clause 3"], "abc_terms": ["no loud music"],
    "contract_start": "2026-03-03", "contract_end": "2026-09-03", "review_on": "2026-06-03",
    "reason": "asb_stopped", "actions_taken": ["We visited"], "consulted_on": "2026-03-02",
}  # fmt: skip


class _Reads(Facts):
    """Facts that note every ``SendLetter.data`` key a kind reads."""

    def __init__(self, command: SendLetter, sources: LetterSources) -> None:
        super().__init__(command, sources)
        self.read: set[str] = set()

    def data(self, name: str) -> Any:
        self.read.add(name)
        return super().data(name)


def _declared() -> dict[LetterKind, set[str]]:
    declared: dict[LetterKind, set[str]] = {}
    for rules in ACTIONS:
        for letter in rules.letters:
            declared.setdefault(letter.kind, set()).update(letter.facts)
    return declared


@pytest.mark.parametrize("kind", sorted(_declared()))
def test_a_letter_reads_only_the_facts_the_actions_deciding_it_declare(kind: LetterKind) -> None:
    """A kind reading a key no deciding action sends would never find its fact: the officer
    would get a task for every such letter. Read with every declared fact given, and with none."""
    spec, declared = SPECS[kind], _declared()[kind]
    assert spec.facts is not None
    role = PartyRole.ALLEGED_PERPETRATOR if Role.COMPLAINANT not in spec.recipients else None
    sources = LetterSources(
        case=CaseRow(reference="ASB-2026-000123", received_at=datetime(2026, 3, 2, tzinfo=UTC),
                     categories=["noise"], officer_id=None),
        recipient=PartyRow(id="P1", reference="ASB-2026-000123", role="complainant"),
        complainant=None, policy=load_policy("X"), profile=load_profile("X"), officer=None,
        local_authority=None, today=date(2026, 3, 3), survey_url="https://survey.example/s",
        by_post=False,
    )  # fmt: skip
    for data in ({}, {key: DECIDED[key] for key in declared}):
        command = SendLetter(
            key="k", reference="ASB-2026-000123", kind=kind, party_id="P1", data=data,
            to_role=role or PartyRole.COMPLAINANT,
        )  # fmt: skip
        facts = _Reads(command, sources)
        spec.facts(facts)
        assert facts.read <= declared, f"{kind} reads {facts.read - declared}, never sent"
