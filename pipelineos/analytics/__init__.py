"""Analytics: plain SQL summaries (win rate, revenue, funnel, response times, fixture mix, precision)."""
