"""Follow-ups on sent bids (customer emails at 24 h / 72 h / 7 d) and stale-bid reminders to the estimator.

Both only enqueue outbox rows with dedupe keys, so running them every hour queues each message once; the
outbox dispatcher sends each when it falls due.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipelineos.blueprints.processing import repository as repo
from pipelineos.db.pool import connection


def queue_bid_follow_ups(hours: Sequence[int] = (24, 72, 168)) -> int:
    """Queue the follow-up emails of every bid sent within the cadence's window; returns messages queued."""
    from pipelineos.notify.messages import queue_follow_ups

    window_days = max(hours, default=0) // 24 + 1
    queued = 0
    with connection() as conn:
        for bid in repo.rows(conn, "sent_bids", within_days=window_days):
            project = bid["project_name"] or bid["original_name"]
            queued += len(queue_follow_ups(conn, bid=bid, sent_at=bid["sent_at"], hours=list(hours), project=project))
    return queued


def queue_stale_bid_reminders(days: int = 14) -> int:
    """Remind the estimator about every bid sent more than ``days`` days ago without an answer."""
    from pipelineos.notify.messages import queue_stale_bid_reminder

    queued = 0
    with connection() as conn:
        for bid in repo.rows(conn, "stale_bids", days=days):
            if bid["estimator_email"]:
                queue_stale_bid_reminder(
                    conn,
                    bid=bid,
                    recipient=bid["estimator_email"],
                    days=days,
                    project=bid["project_name"] or bid["original_name"],
                )
                queued += 1
    return queued


def bid_validity_days() -> int:
    """How long a sent bid's prices hold: the validity printed on every proposal."""
    from pipelineos.proposals.context import VALID_DAYS

    return VALID_DAYS


def expire_lapsed_bids(days: int | None = None) -> list[str]:
    """Expire every sent bid older than ``days`` (default: the proposals' validity); returns their ids.

    Each bid moves ``sent`` → ``expired`` through the bid lifecycle (timestamp and history row), so a bid that
    was accepted or declined meanwhile is left alone, and running it again expires nothing twice.
    """
    from pipelineos.pricing.lifecycle import expire_stale_bids

    with connection() as conn:
        return expire_stale_bids(conn, days=days or bid_validity_days())
