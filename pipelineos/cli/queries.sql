-- name: demo_fixture_counts --
select fixture_class, count(*)::int as count
from fixture_detections
where blueprint_id = %(blueprint_id)s
group by fixture_class
order by fixture_class;

-- name: demo_bid_summary --
select b.id, b.total, b.status, b.customer_email, l.line_count
from bids b
cross join lateral (select count(*)::int as line_count from bid_lines where bid_id = b.id) l
where b.blueprint_id = %(blueprint_id)s
order by b.created_at desc
limit 1;

-- name: demo_proposal --
select p.id, p.pdf_sha256, p.page_count, p.status, m.recipient, m.status as message_status, m.provider_message_id
from proposals p
join bids b on b.id = p.bid_id
left join messages m on m.id = p.message_id
where b.blueprint_id = %(blueprint_id)s
order by p.created_at desc
limit 1;
