"""Officer and supervisor actions on a case: each one declared once.

An action's declaration (:class:`domain.actions.spec.ActionSpec`) holds its input model, the
roles that may take it, the stages where it fits, its content checks, its handler, whether it
counts as progress, whether it is allowed on hold (R17) and the letter facts it provides. The
declarations live in modules named for their concept (``intake``, ``investigation``,
``remedies``, ``legal``, ``closure``, ``supervision``); each module owns its union, its
``SPECS`` and its exhaustive ``bind``, and :mod:`domain.actions.registry` composes the modules.
The guards, the stage machine, the view and the API all derive from the declarations.

Input fields hold ids, enums and dates only: notes and documents are referenced by id
(``*_ref``), never copied in (docs/design.md, Where state lives). Shape checks fail as pydantic
validation errors at the API; rules that depend on the case fail as ``ActionRefused``.
"""

from domain.actions.closure import (
    ApproveClosure,
    RecordConsultation,
    RecordSurveyResponse,
    RequestClosure,
    WithdrawClosure,
)
from domain.actions.intake import (
    Acknowledge,
    AgreeActionPlan,
    RecordContact,
    RecordRiskAssessment,
    ReviseActionPlan,
)
from domain.actions.investigation import (
    AddEvidence,
    InviteToInterview,
    LogIncident,
    RaiseCounterAllegation,
    RecordInterview,
)
from domain.actions.legal import (
    ApprovePeia,
    CompletePeia,
    DeclinePeia,
    RecordLegalOutcome,
    StartLegalAction,
)
from domain.actions.registry import ACTION_TYPES, ACTIONS, Action, bind, rules_for
from domain.actions.remedies import AbcTerms, ApplyRemedy, MakeReferralAction, WarningTerms
from domain.actions.spec import ActionBase, ActionRules, ActionSpec
from domain.actions.supervision import Hold, Reassign, Recategorise, Resume
from domain.vocabulary import (
    ENFORCEMENT_REMEDIES,
    SUPPORT_REMEDIES,
    SYSTEM,
    Actor,
    ConsultationOutcome,
    EvidenceKind,
    InterviewParty,
    LegalActionKind,
    LegalOutcome,
    PartyRole,
    RemedyKind,
    SharingBasis,
)

__all__ = [
    "ACTIONS",
    "ACTION_TYPES",
    "ENFORCEMENT_REMEDIES",
    "SUPPORT_REMEDIES",
    "SYSTEM",
    "AbcTerms",
    "Acknowledge",
    "Action",
    "ActionBase",
    "ActionRules",
    "ActionSpec",
    "Actor",
    "AddEvidence",
    "AgreeActionPlan",
    "ApplyRemedy",
    "ApproveClosure",
    "ApprovePeia",
    "CompletePeia",
    "ConsultationOutcome",
    "DeclinePeia",
    "EvidenceKind",
    "Hold",
    "InterviewParty",
    "InviteToInterview",
    "LegalActionKind",
    "LegalOutcome",
    "LogIncident",
    "MakeReferralAction",
    "PartyRole",
    "RaiseCounterAllegation",
    "Reassign",
    "Recategorise",
    "RecordConsultation",
    "RecordContact",
    "RecordInterview",
    "RecordLegalOutcome",
    "RecordRiskAssessment",
    "RecordSurveyResponse",
    "RemedyKind",
    "RequestClosure",
    "Resume",
    "ReviseActionPlan",
    "SharingBasis",
    "StartLegalAction",
    "WarningTerms",
    "WithdrawClosure",
    "bind",
    "rules_for",
]
