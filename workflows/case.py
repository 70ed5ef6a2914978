"""The case workflow: one per ASB case, id ``case-<reference>``."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.contracts import CaseOpenedRecord


def workflow_id(reference: str) -> str:
    return f"case-{reference}"


@workflow.defn(name="CaseWorkflow")
class CaseWorkflow:
    def __init__(self) -> None:
        self._record: CaseOpenedRecord | None = None

    @workflow.run
    async def run(self, record: CaseOpenedRecord) -> None:
        await workflow.execute_activity(
            "record_case_opened", record, start_to_close_timeout=timedelta(seconds=30)
        )
        self._record = record
        await workflow.wait_condition(lambda: False)

    @workflow.update
    async def opened(self) -> CaseOpenedRecord:
        await workflow.wait_condition(lambda: self._record is not None)
        assert self._record is not None
        return self._record
