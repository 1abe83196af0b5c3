-- name: win_rate --
select count(*) filter (where status = 'accepted') as won,
       count(*) filter (where status = 'declined') as lost,
       count(*) filter (where status = 'sent') as open,
       count(*) as total
from bids where organization_id = %(organization_id)s;

-- name: lead_win_rate --
select count(*) filter (where status = 'won') as won,
       count(*) filter (where status = 'lost') as lost
from leads where organization_id = %(organization_id)s;

-- name: revenue_by_month --
select to_char(date_trunc('month', accepted_at), 'YYYY-MM') as month,
       count(*) as bids,
       coalesce(sum(total), 0) as revenue
from bids
where organization_id = %(organization_id)s and status = 'accepted' and accepted_at is not null
group by 1 order by 1;

-- name: lead_funnel --
select s.status, coalesce(c.n, 0) as count
from unnest(array['new', 'contacted', 'bid_sent', 'won', 'lost']) with ordinality as s(status, position)
left join (select status, count(*) as n from leads where organization_id = %(organization_id)s group by status) c
  on c.status = s.status
order by s.position;

-- name: response_times --
select count(*) filter (where first_response_at is not null) as responded,
       count(*) as total,
       percentile_cont(0.5) within group (order by extract(epoch from first_response_at - created_at))
           filter (where first_response_at is not null) as median_seconds,
       percentile_cont(0.9) within group (order by extract(epoch from first_response_at - created_at))
           filter (where first_response_at is not null) as p90_seconds,
       max(extract(epoch from first_response_at - created_at)) as max_seconds
from leads where organization_id = %(organization_id)s;

-- name: fixture_mix --
select fixture_class, count(*) as count
from fixture_detections where organization_id = %(organization_id)s
group by fixture_class order by count desc, fixture_class;

-- name: detection_precision --
with latest as (
    select distinct on (detection_id) detection_id, action
    from review_decisions
    where organization_id = %(organization_id)s and detection_id is not null and action <> 'add'
    order by detection_id, created_at desc, id desc
)
select count(*) filter (where action = 'accept') as accepted,
       count(*) filter (where action = 'reject') as rejected,
       count(*) filter (where action = 'relabel') as relabeled,
       (select count(*) from review_decisions
         where organization_id = %(organization_id)s and action = 'add') as added
from latest;
