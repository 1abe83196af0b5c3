"""One dynamic partition per blueprint (key = blueprint id), added by the upload sensor."""

from __future__ import annotations

import dagster as dg

blueprint_partitions = dg.DynamicPartitionsDefinition(name="blueprints")
