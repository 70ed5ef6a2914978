"""Officer and supervisor actions on a case: each one declared once.

An action's declaration (:class:`domain.actions.spec.ActionSpec`) holds its input model, the
roles that may take it, the stages where it fits, its content checks, its handler, whether it
counts as progress, whether it is allowed on hold (R17) and the letter facts it provides. The
declarations live in modules named for their concept (``intake``, ``investigation``,
``remedies``, ``legal``, ``closure``, ``supervision``). A new action is its model, its
declaration and its tests: :mod:`domain.actions.registry` collects the declarations (the union,
the list and the dispatch), and this package re-exports each concept module's models and
declarations by ``import *``, so no list of names is edited.
The guards, the stage machine, the view and the API all derive from the declarations.

Input fields hold ids, enums and dates only: notes and documents are referenced by id
(``*_ref``), never copied in (docs/design.md, Where state lives). Shape checks fail as pydantic
validation errors at the API; rules that depend on the case fail as ``ActionRefused``.
"""

# Every action model and declaration of each concept (each module's public names).
from domain.actions.closure import *  # noqa: F403
from domain.actions.intake import *  # noqa: F403
from domain.actions.investigation import *  # noqa: F403
from domain.actions.legal import *  # noqa: F403
from domain.actions.registry import ACTION_TYPES as ACTION_TYPES
from domain.actions.registry import ACTIONS as ACTIONS
from domain.actions.registry import Action as Action
from domain.actions.registry import bind as bind
from domain.actions.registry import rules_for as rules_for
from domain.actions.remedies import *  # noqa: F403
from domain.actions.spec import ActionBase as ActionBase
from domain.actions.spec import ActionRules as ActionRules
from domain.actions.spec import ActionSpec as ActionSpec
from domain.actions.supervision import *  # noqa: F403
from domain.vocabulary import ENFORCEMENT_REMEDIES as ENFORCEMENT_REMEDIES
from domain.vocabulary import SUPPORT_REMEDIES as SUPPORT_REMEDIES
from domain.vocabulary import SYSTEM as SYSTEM
from domain.vocabulary import Actor as Actor
from domain.vocabulary import ConsultationOutcome as ConsultationOutcome
from domain.vocabulary import EvidenceKind as EvidenceKind
from domain.vocabulary import InterviewParty as InterviewParty
from domain.vocabulary import LegalActionKind as LegalActionKind
from domain.vocabulary import LegalOutcome as LegalOutcome
from domain.vocabulary import PartyRole as PartyRole
from domain.vocabulary import RemedyKind as RemedyKind
from domain.vocabulary import SharingBasis as SharingBasis
