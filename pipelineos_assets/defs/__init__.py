"""One folder per domain; each exposes ``defs``.

Two Dagster features used on purpose are marked preview/beta in 1.13 (partitioned asset checks, the
multi → single dimension partition mapping of further bids); their warnings are silenced here, once.
"""

import warnings

import dagster as dg

warnings.filterwarnings("ignore", category=dg.PreviewWarning, message=".*partitions_def on an AssetCheckSpec.*")
warnings.filterwarnings("ignore", category=dg.BetaWarning, message=".*MultiToSingleDimensionPartitionMapping.*")
