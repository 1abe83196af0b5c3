"""Synthetic plumbing drawings with ground truth, for demos, tests and the takeoff benchmark."""
