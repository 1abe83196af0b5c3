-- name: bid_with_context --
select b.*, o.name as org_name, o.email as org_email, o.phone as org_phone, o.address as org_address,
       o.brand as org_brand, bp.project_name, bp.customer_name as bp_customer_name,
       bp.customer_email as bp_customer_email, c.name as catalog_name
from bids b
join organizations o on o.id = b.organization_id
join blueprints bp on bp.id = b.blueprint_id
join price_catalogs c on c.id = b.catalog_id
where b.id = %(bid_id)s;

-- name: bid_lines --
select * from bid_lines where bid_id = %(bid_id)s order by line_no;

-- name: blueprint_pages --
select page_index, image_sha256, sheet_number from blueprint_pages
where blueprint_id = %(blueprint_id)s order by page_index;

-- name: marks --
select d.id::text as detection_id, d.page_index, d.fixture_class, d.x0, d.y0, d.x1, d.y1
from fixture_detections d
where d.blueprint_id = %(blueprint_id)s
union all
select r.id::text, r.page_index, r.fixture_class, r.x0, r.y0, r.x1, r.y1
from review_decisions r
where r.blueprint_id = %(blueprint_id)s and r.action = 'add' and r.x0 is not null and r.page_index is not null
order by page_index, fixture_class, x0, y0;

-- name: upsert_proposal --
insert into proposals (organization_id, bid_id, pdf_sha256, page_count, run_id, code_version)
values (%(organization_id)s, %(bid_id)s, %(pdf_sha256)s, %(page_count)s, %(run_id)s, %(code_version)s)
on conflict (bid_id, pdf_sha256) do update
    set run_id = coalesce(excluded.run_id, proposals.run_id),
        code_version = coalesce(excluded.code_version, proposals.code_version)
returning *, (xmax = 0) as created;

-- name: get_proposal --
select p.*, b.total, b.name as bid_name, b.customer_name, b.status as bid_status, bp.project_name
from proposals p join bids b on b.id = p.bid_id join blueprints bp on bp.id = b.blueprint_id
where p.id = %(proposal_id)s;

-- name: mark_queued --
update proposals set status = case when status = 'sent' then status else 'queued' end,
    recipient_email = %(recipient)s, message_id = %(message_id)s
where id = %(proposal_id)s
returning *;

-- name: org --
select id, name, email, phone, address, brand from organizations where id = %(organization_id)s;

-- name: mark_failed --
update proposals set status = 'failed', recipient_email = %(recipient)s, message_id = %(message_id)s
where id = %(proposal_id)s and status <> 'sent'
returning *;
