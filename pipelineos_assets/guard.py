"""Run a processing step inside an asset: transient errors retry with backoff, others fail the blueprint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import dagster as dg

from pipelineos.blueprints.processing import steps
from pipelineos.blueprints.processing.errors import is_transient

T = TypeVar("T")
MAX_RETRIES = 3
BASE_DELAY_SECONDS = 2.0

TAGS_BLUEPRINT = "pipelineos/blueprint"
TAGS_REASON = "pipelineos/reason"
TAGS_SEND = "pipelineos/send"


def run_step(
    context: dg.AssetExecutionContext, blueprint_id: str, fn: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    """``fn(*args, **kwargs)``; on a transient error retry (2 s, 4 s, 8 s), else mark the blueprint failed."""
    try:
        return fn(*args, **kwargs)
    except dg.DagsterError:
        raise
    except Exception as exc:
        retry = context.retry_number
        if is_transient(exc) and retry < MAX_RETRIES:
            wait = BASE_DELAY_SECONDS * 2**retry
            context.log.warning(f"blueprint {blueprint_id}: transient error, retry {retry + 1} in {wait:.0f}s: {exc}")
            raise dg.RetryRequested(max_retries=MAX_RETRIES, seconds_to_wait=wait) from exc
        message = steps.fail(blueprint_id, exc)
        context.log.error(message)
        raise dg.Failure(description=message, metadata={"blueprint_id": blueprint_id}) from exc


def run_id_of(context: dg.AssetExecutionContext) -> str:
    return context.run.run_id
