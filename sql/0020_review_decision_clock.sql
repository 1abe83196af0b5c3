-- Review decisions are ordered by created_at ("latest decision wins"). now() is the transaction start, so two
-- decisions recorded in one transaction tied; clock_timestamp() keeps their real order.
alter table review_decisions alter column created_at set default clock_timestamp();
