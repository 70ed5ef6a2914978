"""Every action, in one list: the union the workflow and the API accept, and the dispatch from
an action to its declaration (exhaustive: a new model without a declaration fails mypy)."""

from __future__ import annotations

from typing import Annotated, assert_never

from pydantic import Field

from domain.actions.closure import (
    APPROVE_CLOSURE,
    RECORD_CONSULTATION,
    RECORD_SURVEY_RESPONSE,
    REQUEST_CLOSURE,
    WITHDRAW_CLOSURE,
    ApproveClosure,
    RecordConsultation,
    RecordSurveyResponse,
    RequestClosure,
    WithdrawClosure,
)
from domain.actions.intake import (
    ACKNOWLEDGE,
    AGREE_ACTION_PLAN,
    RECORD_CONTACT,
    RECORD_RISK_ASSESSMENT,
    REVISE_ACTION_PLAN,
    Acknowledge,
    AgreeActionPlan,
    RecordContact,
    RecordRiskAssessment,
    ReviseActionPlan,
)
from domain.actions.investigation import (
    ADD_EVIDENCE,
    INVITE_TO_INTERVIEW,
    LOG_INCIDENT,
    RAISE_COUNTER_ALLEGATION,
    RECORD_INTERVIEW,
    AddEvidence,
    InviteToInterview,
    LogIncident,
    RaiseCounterAllegation,
    RecordInterview,
)
from domain.actions.legal import (
    APPROVE_PEIA,
    COMPLETE_PEIA,
    DECLINE_PEIA,
    RECORD_LEGAL_OUTCOME,
    START_LEGAL_ACTION,
    ApprovePeia,
    CompletePeia,
    DeclinePeia,
    RecordLegalOutcome,
    StartLegalAction,
)
from domain.actions.remedies import APPLY_REMEDY, MAKE_REFERRAL, ApplyRemedy, MakeReferralAction
from domain.actions.spec import ActionRules, Bound
from domain.actions.supervision import (
    HOLD,
    REASSIGN,
    RECATEGORISE,
    RESUME,
    Hold,
    Reassign,
    Recategorise,
    Resume,
)
from domain.errors import UnknownValueError

__all__ = ["ACTIONS", "ACTION_TYPES", "Action", "bind", "rules_for"]

Action = Annotated[
    Acknowledge
    | RecordContact
    | RecordRiskAssessment
    | AgreeActionPlan
    | ReviseActionPlan
    | InviteToInterview
    | RecordInterview
    | LogIncident
    | AddEvidence
    | ApplyRemedy
    | MakeReferralAction
    | CompletePeia
    | ApprovePeia
    | DeclinePeia
    | StartLegalAction
    | RecordLegalOutcome
    | RequestClosure
    | RecordConsultation
    | ApproveClosure
    | WithdrawClosure
    | Reassign
    | Recategorise
    | Hold
    | Resume
    | RaiseCounterAllegation
    | RecordSurveyResponse,
    Field(discriminator="type"),
]

# In the order officers meet them (the order of CaseView.allowed_actions).
ACTIONS: tuple[ActionRules, ...] = (
    ACKNOWLEDGE,
    RECORD_CONTACT,
    RECORD_RISK_ASSESSMENT,
    AGREE_ACTION_PLAN,
    REVISE_ACTION_PLAN,
    INVITE_TO_INTERVIEW,
    RECORD_INTERVIEW,
    LOG_INCIDENT,
    ADD_EVIDENCE,
    APPLY_REMEDY,
    MAKE_REFERRAL,
    COMPLETE_PEIA,
    APPROVE_PEIA,
    DECLINE_PEIA,
    START_LEGAL_ACTION,
    RECORD_LEGAL_OUTCOME,
    REQUEST_CLOSURE,
    RECORD_CONSULTATION,
    APPROVE_CLOSURE,
    WITHDRAW_CLOSURE,
    REASSIGN,
    RECATEGORISE,
    HOLD,
    RESUME,
    RAISE_COUNTER_ALLEGATION,
    RECORD_SURVEY_RESPONSE,
)
ACTION_TYPES: tuple[str, ...] = tuple(rules.name for rules in ACTIONS)
_BY_TYPE: dict[str, ActionRules] = {rules.name: rules for rules in ACTIONS}


def rules_for(action_type: str) -> ActionRules:
    """The declaration of an action type; an unknown type names the allowed ones."""
    try:
        return _BY_TYPE[action_type]
    except KeyError:
        raise UnknownValueError("action", action_type, ACTION_TYPES) from None


def bind(action: Action) -> Bound:
    """An action with its own declaration (typed: each handler gets its own input model)."""
    match action:
        case Acknowledge():
            return ACKNOWLEDGE.bind(action)
        case RecordContact():
            return RECORD_CONTACT.bind(action)
        case RecordRiskAssessment():
            return RECORD_RISK_ASSESSMENT.bind(action)
        case AgreeActionPlan():
            return AGREE_ACTION_PLAN.bind(action)
        case ReviseActionPlan():
            return REVISE_ACTION_PLAN.bind(action)
        case InviteToInterview():
            return INVITE_TO_INTERVIEW.bind(action)
        case RecordInterview():
            return RECORD_INTERVIEW.bind(action)
        case LogIncident():
            return LOG_INCIDENT.bind(action)
        case AddEvidence():
            return ADD_EVIDENCE.bind(action)
        case ApplyRemedy():
            return APPLY_REMEDY.bind(action)
        case MakeReferralAction():
            return MAKE_REFERRAL.bind(action)
        case CompletePeia():
            return COMPLETE_PEIA.bind(action)
        case ApprovePeia():
            return APPROVE_PEIA.bind(action)
        case DeclinePeia():
            return DECLINE_PEIA.bind(action)
        case StartLegalAction():
            return START_LEGAL_ACTION.bind(action)
        case RecordLegalOutcome():
            return RECORD_LEGAL_OUTCOME.bind(action)
        case RequestClosure():
            return REQUEST_CLOSURE.bind(action)
        case RecordConsultation():
            return RECORD_CONSULTATION.bind(action)
        case ApproveClosure():
            return APPROVE_CLOSURE.bind(action)
        case WithdrawClosure():
            return WITHDRAW_CLOSURE.bind(action)
        case Reassign():
            return REASSIGN.bind(action)
        case Recategorise():
            return RECATEGORISE.bind(action)
        case Hold():
            return HOLD.bind(action)
        case Resume():
            return RESUME.bind(action)
        case RaiseCounterAllegation():
            return RAISE_COUNTER_ALLEGATION.bind(action)
        case RecordSurveyResponse():
            return RECORD_SURVEY_RESPONSE.bind(action)
        case _:
            assert_never(action)
