"""Proposals: the PDF and the sent email of each bid; the outbox-retry schedule."""

from __future__ import annotations

import dagster as dg

from pipelineos_assets.defs.proposals.assets import (
    alternate_proposal_pdf,
    proposal_pdf,
    sent_alternate_proposal,
    sent_proposal,
)
from pipelineos_assets.defs.proposals.checks import proposal_checks
from pipelineos_assets.defs.proposals.schedules import outbox_retry_job, outbox_retry_schedule

defs = dg.Definitions(
    assets=[proposal_pdf, sent_proposal, alternate_proposal_pdf, sent_alternate_proposal],
    asset_checks=proposal_checks,
    jobs=[outbox_retry_job],
    schedules=[outbox_retry_schedule],
)
