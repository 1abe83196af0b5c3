-- Read models and writes of the Streamlit dashboard. Parameters are %(name)s; every query is scoped to one
-- organization.

-- name: blueprint_list --
select b.id::text as id, b.original_name, b.project_name, b.customer_name, b.status, b.error, b.page_count,
       b.size_bytes, b.created_at, b.updated_at, b.completed_at, coalesce(d.n, 0) as detections
from blueprints b
left join (
    select blueprint_id, count(*) as n from fixture_detections
    where organization_id = %(organization_id)s group by blueprint_id
) d on d.blueprint_id = b.id
where b.organization_id = %(organization_id)s
  and (%(status)s::text is null or b.status = %(status)s::text)
  and (%(search)s::text is null or b.original_name ilike '%%' || %(search)s::text || '%%'
       or b.project_name ilike '%%' || %(search)s::text || '%%'
       or coalesce(b.customer_name, '') ilike '%%' || %(search)s::text || '%%')
order by b.created_at desc, b.id
limit %(limit)s;

-- name: blueprint_status_counts --
select status, count(*) as n from blueprints where organization_id = %(organization_id)s group by status;

-- name: blueprint_statuses --
select id::text as id, original_name, status, error, page_count, updated_at
from blueprints
where organization_id = %(organization_id)s and id = any(%(ids)s::uuid[]);

-- name: reviewable_blueprints --
select b.id::text as id, b.original_name, b.project_name, b.status, b.created_at
from blueprints b
where b.organization_id = %(organization_id)s
  and exists (select 1 from blueprint_pages p where p.blueprint_id = b.id)
order by b.created_at desc, b.id
limit %(limit)s;

-- name: blueprint_one --
select id::text as id, original_name, project_name, customer_name, customer_email, status, error, page_count,
       sha256, content_type, created_at
from blueprints
where organization_id = %(organization_id)s and id = %(blueprint_id)s;

-- name: blueprint_pages --
select page_index, width_pt, height_pt, render_dpi, image_sha256, sheet_number, sheet_title, error, notes
from blueprint_pages
where organization_id = %(organization_id)s and blueprint_id = %(blueprint_id)s
order by page_index;

-- name: page_detections --
select id::text as id, page_index, fixture_class, x0, y0, x1, y1, confidence::float8 as confidence, method, tag
from fixture_detections
where organization_id = %(organization_id)s and blueprint_id = %(blueprint_id)s
order by page_index, fixture_class, id;

-- name: latest_decisions --
select distinct on (detection_id) detection_id::text as detection_id, action, fixture_class, created_at
from review_decisions
where organization_id = %(organization_id)s and blueprint_id = %(blueprint_id)s and action <> 'add'
order by detection_id, created_at desc, id desc;

-- name: added_fixtures --
select id::text as id, page_index, fixture_class, x0, y0, x1, y1, created_at
from review_decisions
where organization_id = %(organization_id)s and blueprint_id = %(blueprint_id)s and action = 'add'
order by created_at, id;

-- name: insert_decision --
insert into review_decisions (organization_id, blueprint_id, detection_id, action, fixture_class, page_index,
                              x0, y0, x1, y1, reason, user_id)
values (%(organization_id)s, %(blueprint_id)s, %(detection_id)s, %(action)s, %(fixture_class)s, %(page_index)s,
        %(x0)s, %(y0)s, %(x1)s, %(y1)s, %(reason)s, %(user_id)s)
returning id::text as id;

-- name: catalogs --
select c.id::text as id, c.name, c.version, c.is_active, c.effective_from, c.currency,
       c.labor_rate::float8 as labor_rate, c.overhead_pct::float8 as overhead_pct,
       c.markup_pct::float8 as markup_pct, c.tax_pct::float8 as tax_pct,
       c.contingency_pct::float8 as contingency_pct,
       (select count(*) from bids b where b.catalog_id = c.id) as bids
from price_catalogs c
where c.organization_id = %(organization_id)s
order by c.is_active desc, c.name, c.version desc;

-- name: catalog_items --
select id::text as id, sku, description, unit, material_cost::float8 as material_cost, supplier,
       discount_multiplier::float8 as discount_multiplier, price_changed_at
from price_items
where organization_id = %(organization_id)s and catalog_id = %(catalog_id)s
order by sku;

-- name: blueprint_bids --
select id::text as id, name, status, catalog_id::text as catalog_id, catalog_version, customer_name,
       customer_email, material_cost::float8 as material_cost, labor_hours::float8 as labor_hours,
       labor_cost::float8 as labor_cost, overhead::float8 as overhead, markup::float8 as markup,
       contingency::float8 as contingency, tax::float8 as tax, total::float8 as total, settings, created_at,
       sent_at
from bids
where organization_id = %(organization_id)s and blueprint_id = %(blueprint_id)s
order by created_at desc, id;

-- name: bid_lines --
select line_no, fixture_class, description, quantity::float8 as quantity, unit_material::float8 as unit_material,
       material_cost::float8 as material_cost, labor_hours::float8 as labor_hours,
       labor_cost::float8 as labor_cost, total::float8 as total, flag
from bid_lines
where organization_id = %(organization_id)s and bid_id = %(bid_id)s
order by line_no;

-- name: bid_proposals --
select id::text as id, pdf_sha256, page_count, recipient_email, status, created_at, sent_at
from proposals
where organization_id = %(organization_id)s and bid_id = %(bid_id)s
order by created_at desc;

-- name: insert_bid_request --
insert into bid_requests (organization_id, blueprint_id, variant, catalog_id, customer_name, customer_email,
                          send_proposal, reason)
values (%(organization_id)s, %(blueprint_id)s, %(variant)s, %(catalog_id)s, %(customer_name)s,
        %(customer_email)s, %(send_proposal)s, %(reason)s)
returning seq;

-- name: leads_inbox --
select id::text as id, name, email, phone, company, message, source, status, created_at, first_response_at,
       extract(epoch from (first_response_at - created_at)) / 60.0 as response_minutes
from leads
where organization_id = %(organization_id)s
  and (%(status)s::text is null or status = %(status)s::text)
order by created_at desc
limit %(limit)s;

-- name: lead_status_counts --
select status, count(*) as n,
       percentile_cont(0.5) within group (
           order by extract(epoch from (first_response_at - created_at)) / 60.0) as median_response_minutes
from leads
where organization_id = %(organization_id)s
group by status;

-- name: update_lead_status --
update leads set status = %(status)s, status_changed_at = now(), updated_at = now()
where organization_id = %(organization_id)s and id = %(lead_id)s
returning id::text as id;
