-- name: insert_blueprint --
insert into blueprints (organization_id, project_name, original_name, content_type, size_bytes, sha256,
                        customer_name, customer_email, uploaded_by, idempotency_key)
values (%(organization_id)s, %(project_name)s, %(original_name)s, %(content_type)s, %(size_bytes)s,
        %(sha256)s, %(customer_name)s, %(customer_email)s, %(uploaded_by)s, %(idempotency_key)s)
on conflict (organization_id, idempotency_key) do nothing
returning *, true as created;

-- name: blueprint_by_idempotency_key --
select *, false as created from blueprints
where organization_id = %(organization_id)s and idempotency_key = %(idempotency_key)s;

-- name: get_blueprint --
select * from blueprints where organization_id = %(organization_id)s and id = %(blueprint_id)s;

-- name: list_blueprints --
select * from blueprints
where organization_id = %(organization_id)s
  and (%(status)s::text is null or status = %(status)s::text)
order by created_at desc, id
limit %(limit)s offset %(offset)s;

-- name: count_blueprints --
select count(*) as n from blueprints
where organization_id = %(organization_id)s
  and (%(status)s::text is null or status = %(status)s::text);

-- name: list_pages --
select page_index, width_pt, height_pt, render_dpi, image_sha256, is_vector, sheet_number, sheet_title,
       discipline, sheet_kind, error, notes
from blueprint_pages
where organization_id = %(organization_id)s and blueprint_id = %(blueprint_id)s
order by page_index;

-- name: page_image_owned --
select 1 as ok from blueprint_pages
where organization_id = %(organization_id)s and image_sha256 = %(sha256)s
limit 1;

-- name: list_detections --
select id, page_index, fixture_class, x0, y0, x1, y1, confidence, method, tag, detector_version
from fixture_detections
where organization_id = %(organization_id)s and blueprint_id = %(blueprint_id)s
order by page_index, fixture_class, id;

-- name: detection_exists --
select 1 as ok from fixture_detections
where organization_id = %(organization_id)s and blueprint_id = %(blueprint_id)s and id = %(detection_id)s;

-- name: insert_review_decision --
insert into review_decisions (organization_id, blueprint_id, detection_id, action, fixture_class, page_index,
                              x0, y0, x1, y1, reason, user_id)
values (%(organization_id)s, %(blueprint_id)s, %(detection_id)s, %(action)s, %(fixture_class)s, %(page_index)s,
        %(x0)s, %(y0)s, %(x1)s, %(y1)s, %(reason)s, %(user_id)s)
returning id, blueprint_id, detection_id, action, fixture_class, page_index, x0, y0, x1, y1, reason, user_id,
          created_at;

-- name: list_review_decisions --
select id, blueprint_id, detection_id, action, fixture_class, page_index, x0, y0, x1, y1, reason, user_id,
       created_at
from review_decisions
where organization_id = %(organization_id)s and blueprint_id = %(blueprint_id)s
order by created_at, id;

-- name: latest_bid --
select * from bids
where organization_id = %(organization_id)s and blueprint_id = %(blueprint_id)s
order by created_at desc, id desc
limit 1;

-- name: bid_lines --
select line_no, fixture_class, description, quantity, unit_material, material_cost, labor_hours, labor_cost,
       total, flag
from bid_lines
where organization_id = %(organization_id)s and bid_id = %(bid_id)s
order by line_no;

-- name: list_bids --
select * from bids
where organization_id = %(organization_id)s
  and (%(blueprint_id)s::uuid is null or blueprint_id = %(blueprint_id)s::uuid)
  and (%(status)s::text is null or status = %(status)s::text)
order by created_at desc, id
limit %(limit)s offset %(offset)s;

-- name: count_bids --
select count(*) as n from bids
where organization_id = %(organization_id)s
  and (%(blueprint_id)s::uuid is null or blueprint_id = %(blueprint_id)s::uuid)
  and (%(status)s::text is null or status = %(status)s::text);

-- name: get_bid --
select * from bids where organization_id = %(organization_id)s and id = %(bid_id)s;

-- name: latest_proposal --
select * from proposals where organization_id = %(organization_id)s and bid_id = %(bid_id)s
order by created_at desc limit 1;

-- name: list_catalogs --
select c.id, c.name, c.version, c.effective_from, c.is_active, c.currency, c.labor_rate, c.overhead_pct,
       c.markup_pct, c.tax_pct, c.contingency_pct, c.created_at,
       (select count(*) from price_items i where i.catalog_id = c.id) as item_count,
       (select count(*) from assemblies a where a.catalog_id = c.id) as assembly_count
from price_catalogs c where c.organization_id = %(organization_id)s
order by c.name, c.version desc;

-- name: catalog_summary --
select c.id, c.name, c.version, c.effective_from, c.is_active, c.currency, c.labor_rate, c.overhead_pct,
       c.markup_pct, c.tax_pct, c.contingency_pct, c.created_at,
       (select count(*) from price_items i where i.catalog_id = c.id) as item_count,
       (select count(*) from assemblies a where a.catalog_id = c.id) as assembly_count
from price_catalogs c where c.organization_id = %(organization_id)s and c.id = %(catalog_id)s;

-- name: catalog_items --
select sku, description, unit, material_cost, supplier, discount_multiplier, price_changed_at
from price_items where organization_id = %(organization_id)s and catalog_id = %(catalog_id)s order by sku;

-- name: catalog_in_use --
select exists (select 1 from bids where catalog_id = %(catalog_id)s) as used;

-- name: update_item --
update price_items set
    description = coalesce(%(description)s, description),
    unit = coalesce(%(unit)s, unit),
    material_cost = coalesce(%(material_cost)s, material_cost),
    supplier = coalesce(%(supplier)s, supplier),
    discount_multiplier = coalesce(%(discount_multiplier)s, discount_multiplier),
    price_changed_at = current_date
where organization_id = %(organization_id)s and catalog_id = %(catalog_id)s and sku = %(sku)s
returning sku, description, unit, material_cost, supplier, discount_multiplier, price_changed_at;

-- name: set_catalog_active --
update price_catalogs set is_active = %(is_active)s
where organization_id = %(organization_id)s and id = %(catalog_id)s
returning id;

-- name: insert_item --
insert into price_items (organization_id, catalog_id, sku, description, unit, material_cost, supplier,
                         discount_multiplier)
values (%(organization_id)s, %(catalog_id)s, %(sku)s, %(description)s, %(unit)s, %(material_cost)s, %(supplier)s,
        %(discount_multiplier)s)
returning sku, description, unit, material_cost, supplier, discount_multiplier, price_changed_at;

-- name: item_assemblies --
select distinct a.name from price_items i
join assembly_items ai on ai.item_id = i.id
join assemblies a on a.id = ai.assembly_id
where i.organization_id = %(organization_id)s and i.catalog_id = %(catalog_id)s and i.sku = %(sku)s
order by a.name;

-- name: delete_item --
delete from price_items
where organization_id = %(organization_id)s and catalog_id = %(catalog_id)s and sku = %(sku)s
returning sku;
