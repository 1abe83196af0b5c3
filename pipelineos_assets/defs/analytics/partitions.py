"""One partition per day of analytics snapshots."""

from __future__ import annotations

import dagster as dg

daily_partitions = dg.DailyPartitionsDefinition(start_date="2026-01-01", end_offset=1)
