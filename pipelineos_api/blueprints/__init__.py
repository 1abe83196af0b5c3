"""Blueprint endpoints: streaming upload, status, pages, fixtures, review decisions, exports."""
