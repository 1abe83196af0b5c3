-- name: blueprint_for_processing --
select id, organization_id, original_name, content_type, size_bytes, sha256, status, error, page_count,
       customer_name, customer_email, project_name, run_id
from blueprints where id = %(blueprint_id)s;

-- name: lock_blueprint --
select id, status from blueprints where id = %(blueprint_id)s for update;

-- name: mark_processing --
update blueprints
set status = 'processing', error = null, run_id = %(run_id)s, started_at = now(), completed_at = null,
    updated_at = now()
where id = %(blueprint_id)s
returning id;

-- name: mark_completed --
update blueprints
set status = 'completed', error = null, completed_at = now(), updated_at = now()
where id = %(blueprint_id)s
returning id;

-- name: mark_failed --
update blueprints
set status = 'failed', error = %(error)s, updated_at = now()
where id = %(blueprint_id)s
returning id;

-- name: set_page_count --
update blueprints set page_count = %(page_count)s, updated_at = now() where id = %(blueprint_id)s;

-- name: delete_pages --
delete from blueprint_pages where blueprint_id = %(blueprint_id)s;

-- name: insert_page --
insert into blueprint_pages (organization_id, blueprint_id, page_index, width_pt, height_pt, render_dpi,
                             image_sha256, text_sha256, is_vector, error, run_id, code_version, data_version)
values (%(organization_id)s, %(blueprint_id)s, %(page_index)s, %(width_pt)s, %(height_pt)s, %(render_dpi)s,
        %(image_sha256)s, %(text_sha256)s, %(is_vector)s, %(error)s, %(run_id)s, %(code_version)s,
        %(data_version)s);

-- name: pages_of --
select page_index, width_pt, height_pt, render_dpi, image_sha256, text_sha256, is_vector, sheet_number,
       sheet_title, discipline, sheet_kind, error
from blueprint_pages where blueprint_id = %(blueprint_id)s order by page_index;

-- name: update_sheet --
update blueprint_pages
set sheet_number = %(sheet_number)s, sheet_title = %(sheet_title)s, discipline = %(discipline)s,
    sheet_kind = %(sheet_kind)s, error = coalesce(%(error)s, error),
    notes = coalesce(%(notes)s::text[], notes)
where blueprint_id = %(blueprint_id)s and page_index = %(page_index)s;

-- name: detections_of --
select id::text as detection_id, page_index, fixture_class, tag, confidence, method
from fixture_detections where blueprint_id = %(blueprint_id)s order by page_index, id;

-- name: decisions_of --
select id::text as decision_id, detection_id::text as detection_id, action, fixture_class, page_index,
       created_at
from review_decisions where blueprint_id = %(blueprint_id)s order by created_at, id;

-- name: pending_blueprints --
select id::text as id, sha256, created_at
from blueprints
where status = 'pending' and created_at > %(since)s and id::text <> all(%(seen)s::text[])
order by created_at, id::text
limit %(limit)s;

-- name: insert_bid_request --
insert into bid_requests (organization_id, blueprint_id, variant, catalog_id, customer_name, customer_email,
                          send_proposal, reason)
values (%(organization_id)s, %(blueprint_id)s, %(variant)s, %(catalog_id)s, %(customer_name)s,
        %(customer_email)s, %(send_proposal)s, %(reason)s)
returning seq, organization_id::text as organization_id, blueprint_id::text as blueprint_id, variant,
          catalog_id::text as catalog_id, customer_name, customer_email, send_proposal, reason, requested_at;

-- name: bid_requests_since --
select seq::text as key, requested_at as at, blueprint_id::text as blueprint_id, variant, send_proposal, reason
from bid_requests
where requested_at > %(since)s and seq::text <> all(%(seen)s::text[])
order by requested_at, seq
limit %(limit)s;

-- name: latest_bid_request --
select seq, organization_id::text as organization_id, blueprint_id::text as blueprint_id, variant,
       catalog_id::text as catalog_id, customer_name, customer_email, send_proposal, reason
from bid_requests
where blueprint_id = %(blueprint_id)s and variant = %(variant)s
order by seq desc limit 1;

-- name: review_decisions_since --
select id::text as key, created_at as at, blueprint_id::text as blueprint_id
from review_decisions
where created_at > %(since)s and id::text <> all(%(seen)s::text[])
order by created_at, id
limit %(limit)s;

-- name: bid_variants_of --
select distinct variant from bid_requests where blueprint_id = %(blueprint_id)s order by variant;

-- name: bid_by_variant --
select id::text as id, organization_id::text as organization_id, blueprint_id::text as blueprint_id, variant,
       total, catalog_id::text as catalog_id, catalog_version, status, customer_email, run_id,
       detector_version, code_version
from bids where blueprint_id = %(blueprint_id)s and variant = %(variant)s;

-- name: stamp_bid --
update bids
set variant = %(variant)s, run_id = %(run_id)s, takeoff_run_id = %(takeoff_run_id)s,
    detector_version = %(detector_version)s, code_version = %(code_version)s, data_version = %(data_version)s,
    updated_at = now()
where id = %(bid_id)s;

-- name: stamp_bid_lineage --
-- A bid priced outside a Dagster run (API, dashboard): what it priced, without a run id or variant.
update bids
set takeoff_run_id = %(takeoff_run_id)s, detector_version = %(detector_version)s,
    code_version = %(code_version)s, data_version = %(data_version)s, updated_at = now()
where id = %(bid_id)s;

-- name: stamp_bid_lines --
update bid_lines
set run_id = %(run_id)s, code_version = %(code_version)s, data_version = %(data_version)s
where bid_id = %(bid_id)s;

-- name: stamp_proposal --
update proposals
set run_id = %(run_id)s, code_version = %(code_version)s, data_version = %(data_version)s
where id = %(proposal_id)s;

-- name: takeoff_runs_of --
-- The runs that wrote the detections a takeoff holds (added fixtures have no detection row), most rows first.
select run_id, count(*) as detections
from fixture_detections
where blueprint_id = %(blueprint_id)s and id::text = any(%(detection_ids)s)
group by run_id
order by count(*) desc, run_id;

-- name: bid_totals --
select b.id::text as bid_id, b.total, b.material_cost, b.labor_cost, b.overhead, b.markup, b.contingency, b.tax,
       coalesce((b.settings -> 'summary' ->> 'rounding')::numeric, 0) as rounding,
       coalesce(sum(l.total), 0) as lines_total, coalesce(sum(l.material_cost), 0) as lines_material,
       coalesce(sum(l.labor_cost), 0) as lines_labor, count(l.*) as line_count
from bids b left join bid_lines l on l.bid_id = b.id
where b.id = %(bid_id)s
group by b.id;

-- name: plumbing_sheets_without_detections --
select p.page_index, p.sheet_number
from blueprint_pages p
where p.blueprint_id = %(blueprint_id)s and p.discipline = 'plumbing' and coalesce(p.sheet_kind, 'plan') = 'plan'
  and not exists (select 1 from fixture_detections d
                  where d.blueprint_id = p.blueprint_id and d.page_index = p.page_index)
order by p.page_index;

-- name: latest_proposal_of --
select id::text as id, bid_id::text as bid_id, pdf_sha256, page_count, status, recipient_email, message_id,
       run_id, code_version, data_version
from proposals where bid_id = %(bid_id)s order by created_at desc, id limit 1;

-- name: message_status --
select status, last_error, attempts from messages where id = %(message_id)s;

-- name: first_organization --
select id::text as id from organizations order by created_at, id limit 1;

-- name: sent_bids --
select b.id::text as id, b.organization_id::text as organization_id, b.name, b.total, b.customer_name,
       b.customer_email, b.sent_at, bp.project_name, bp.original_name
from bids b join blueprints bp on bp.id = b.blueprint_id
where b.status = 'sent' and b.sent_at is not null and b.sent_at > now() - make_interval(days => %(within_days)s)
order by b.sent_at;

-- name: stale_bids --
select b.id::text as id, b.organization_id::text as organization_id, b.name, b.total, b.customer_name,
       b.customer_email, b.sent_at, bp.project_name, bp.original_name,
       coalesce(u.email, o.email) as estimator_email
from bids b
join blueprints bp on bp.id = b.blueprint_id
join organizations o on o.id = b.organization_id
left join users u on u.id = coalesce(b.created_by, bp.uploaded_by)
where b.status = 'sent' and b.sent_at < now() - make_interval(days => %(days)s)
order by b.sent_at;

-- name: organization_ids --
select id::text as id from organizations order by created_at, id;

-- name: due_message_count --
-- The outbox dispatcher's notion of due (pipelineos/notify/queries.sql, claim_due), counted.
select count(*) as n from messages where status in ('queued', 'sending') and next_attempt_at <= now();

-- name: analytics_slice --
-- One stored analytics snapshot (a day of one metric set), as the asset checks read it back.
select organization_id::text as organization_id, metric, dimension, value
from analytics_metrics
where snapshot_date = %(snapshot_date)s and metric_set = %(metric_set)s
order by organization_id, metric, dimension;
