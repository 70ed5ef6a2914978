"""R34: the alleged perpetrator is told in writing that noise will be monitored."""

from __future__ import annotations

from typing import Any

from activities.letters.spec import TO_PERPETRATOR, Facts, LetterSpec
from domain.commands import LetterKind
from domain.vocabulary import EvidenceKind

EVIDENCE_WORDS: dict[EvidenceKind | None, str] = {
    EvidenceKind.NOISE_MONITORING: "noise monitoring equipment",
    EvidenceKind.NOISE_APP: "the Noise App, which records sound on a smartphone",
}


def facts(f: Facts) -> dict[str, Any]:
    kind = f.known(EvidenceKind, "evidence_kind")
    return {  # R34
        "monitoring_method": f.need(EVIDENCE_WORDS.get(kind), "the monitoring method (R34)"),
        "monitoring_start": f.need(f.day("from"), "the day monitoring starts (R34)"),
    }


SPEC = LetterSpec(
    LetterKind.NOISE_MONITORING_NOTICE,
    recipients=TO_PERPETRATOR,
    required=("monitoring_method", "monitoring_start"),
    facts=facts,
)
