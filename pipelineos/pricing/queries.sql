-- name: active_catalog --
select * from price_catalogs
where organization_id = %(organization_id)s and is_active and effective_from <= current_date
order by effective_from desc, version desc, created_at desc
limit 1;

-- name: get_catalog --
select * from price_catalogs where organization_id = %(organization_id)s and id = %(catalog_id)s;

-- name: assembly_rows --
select a.fixture_class, a.variant, a.name as assembly_name, a.labor_hours, ai.quantity, i.material_cost,
       i.discount_multiplier
from assemblies a
left join assembly_items ai on ai.assembly_id = a.id
left join price_items i on i.id = ai.item_id
where a.catalog_id = %(catalog_id)s
order by a.fixture_class, a.variant, i.sku;

-- name: get_bid --
select * from bids where organization_id = %(organization_id)s and id = %(bid_id)s;

-- name: get_bid_any_org --
select * from bids where id = %(bid_id)s;

-- name: lock_bid --
select * from bids where organization_id = %(organization_id)s and id = %(bid_id)s for update;

-- name: insert_bid --
with created as (
    insert into bids (organization_id, blueprint_id, catalog_id, catalog_version, name, customer_name,
                      customer_email, run_id, detector_version, code_version, created_by)
    values (%(organization_id)s, %(blueprint_id)s, %(catalog_id)s, %(catalog_version)s, %(name)s,
            %(customer_name)s, %(customer_email)s, %(run_id)s, %(detector_version)s, %(code_version)s,
            %(created_by)s)
    returning *
), logged as (
    insert into bid_status_history (organization_id, bid_id, from_status, to_status, user_id, changed_at)
    select organization_id, id, null, status, created_by, created_at from created
)
select * from created;

-- name: update_bid_totals --
update bids set catalog_id = %(catalog_id)s, catalog_version = %(catalog_version)s, name = %(name)s,
    customer_name = %(customer_name)s, customer_email = %(customer_email)s,
    material_cost = %(material_cost)s, labor_hours = %(labor_hours)s, labor_cost = %(labor_cost)s,
    overhead = %(overhead)s, markup = %(markup)s, contingency = %(contingency)s, tax = %(tax)s,
    total = %(total)s, settings = %(settings)s, run_id = coalesce(%(run_id)s, run_id),
    detector_version = coalesce(%(detector_version)s, detector_version),
    code_version = coalesce(%(code_version)s, code_version), priced_at = now(), updated_at = now()
where id = %(bid_id)s
returning *;

-- name: delete_lines --
delete from bid_lines where bid_id = %(bid_id)s;

-- name: insert_line --
insert into bid_lines (organization_id, bid_id, line_no, fixture_class, description, quantity, unit_material,
                       material_cost, labor_hours, labor_cost, total, source, flag, run_id)
values (%(organization_id)s, %(bid_id)s, %(line_no)s, %(fixture_class)s, %(description)s, %(quantity)s,
        %(unit_material)s, %(material_cost)s, %(labor_hours)s, %(labor_cost)s, %(total)s, %(source)s,
        %(flag)s, %(run_id)s);

-- name: list_lines --
select * from bid_lines where bid_id = %(bid_id)s order by line_no;

-- name: list_overrides --
select fixture_class, quantity, unit_price, reason, user_id, created_at from bid_line_overrides
where bid_id = %(bid_id)s order by fixture_class;

-- name: upsert_override --
insert into bid_line_overrides (organization_id, bid_id, fixture_class, quantity, unit_price, reason, user_id)
values (%(organization_id)s, %(bid_id)s, %(fixture_class)s, %(quantity)s, %(unit_price)s, %(reason)s,
        %(user_id)s)
on conflict (bid_id, fixture_class) do update set quantity = excluded.quantity,
    unit_price = excluded.unit_price, reason = excluded.reason, user_id = excluded.user_id, created_at = now()
returning *;

-- name: delete_override --
delete from bid_line_overrides where bid_id = %(bid_id)s and fixture_class = %(fixture_class)s;

-- name: set_bid_status --
with changed as (
    update bids set status = %(status)s, status_changed_by = %(user_id)s, updated_at = now(),
        sent_at = case when %(status)s = 'sent' then now() else sent_at end,
        accepted_at = case when %(status)s = 'accepted' then now() else accepted_at end,
        declined_at = case when %(status)s = 'declined' then now() else declined_at end,
        expired_at = case when %(status)s = 'expired' then now() else expired_at end
    where id = %(bid_id)s and status = %(from_status)s
    returning *
), logged as (
    insert into bid_status_history (organization_id, bid_id, from_status, to_status, user_id, changed_at)
    select organization_id, id, %(from_status)s, status, %(user_id)s, updated_at from changed
)
select * from changed;

-- name: bid_history --
select h.from_status, h.to_status, h.changed_at, h.user_id, u.email as user_email
from bid_status_history h left join users u on u.id = h.user_id
where h.bid_id = %(bid_id)s
order by h.id;

-- name: expire_due_bids --
select id from bids
where status = 'sent' and sent_at < now() - make_interval(days => %(days)s)
order by sent_at
for update skip locked;

-- name: blueprint_detections --
select id, page_index, fixture_class, x0, y0, x1, y1 from fixture_detections
where blueprint_id = %(blueprint_id)s order by page_index, fixture_class, x0, y0;

-- name: blueprint_pages --
select page_index, image_sha256, sheet_number from blueprint_pages
where blueprint_id = %(blueprint_id)s order by page_index;

-- name: get_blueprint --
select id, organization_id, project_name, previous_blueprint_id from blueprints where id = %(blueprint_id)s;

-- name: takeoff_rows --
select d.id::text as detection_id, d.page_index, p.sheet_number, d.fixture_class, d.method as source
from fixture_detections d
left join blueprint_pages p on p.blueprint_id = d.blueprint_id and p.page_index = d.page_index
where d.blueprint_id = %(blueprint_id)s
order by d.page_index, d.id;

-- name: latest_catalog_version --
select * from price_catalogs where organization_id = %(organization_id)s and name = %(name)s
order by version desc limit 1;

-- name: insert_catalog --
insert into price_catalogs (organization_id, name, version, effective_from, is_active, currency, labor_rate,
                            overhead_pct, markup_pct, tax_pct, contingency_pct)
values (%(organization_id)s, %(name)s,
        coalesce((select max(version) from price_catalogs
                  where organization_id = %(organization_id)s and name = %(name)s), 0) + 1,
        %(effective_from)s, true, %(currency)s, %(labor_rate)s, %(overhead_pct)s, %(markup_pct)s, %(tax_pct)s,
        %(contingency_pct)s)
returning *;

-- name: insert_item --
insert into price_items (organization_id, catalog_id, sku, description, unit, material_cost, supplier,
                         discount_multiplier, price_changed_at)
values (%(organization_id)s, %(catalog_id)s, %(sku)s, %(description)s, %(unit)s, %(material_cost)s,
        %(supplier)s, %(discount_multiplier)s, %(price_changed_at)s)
returning id, sku;

-- name: insert_assembly --
insert into assemblies (organization_id, catalog_id, fixture_class, variant, name, labor_hours)
values (%(organization_id)s, %(catalog_id)s, %(fixture_class)s, %(variant)s, %(name)s, %(labor_hours)s)
returning id;

-- name: insert_assembly_item --
insert into assembly_items (organization_id, assembly_id, item_id, phase, quantity)
values (%(organization_id)s, %(assembly_id)s, %(item_id)s, %(phase)s, %(quantity)s);

-- name: export_items --
select sku, description, unit, material_cost, supplier, discount_multiplier, price_changed_at
from price_items where catalog_id = %(catalog_id)s order by sku;

-- name: export_assemblies --
select a.fixture_class, a.variant, a.name, a.labor_hours, i.sku, ai.phase, ai.quantity
from assemblies a
join assembly_items ai on ai.assembly_id = a.id
join price_items i on i.id = ai.item_id
where a.catalog_id = %(catalog_id)s
order by a.fixture_class, a.variant, array_position(array['rough_in', 'finish', 'fixture', 'trim'], ai.phase), i.sku;

-- name: previous_revision --
select coalesce(
    b.previous_blueprint_id,
    (select p.id from blueprints p
     where p.organization_id = b.organization_id and p.project_name = b.project_name and b.project_name <> ''
       and p.id <> b.id and p.created_at < b.created_at
     order by p.created_at desc limit 1)
) as previous_id
from blueprints b where b.id = %(blueprint_id)s;

-- name: catalog_version --
select id from price_catalogs
where organization_id = %(organization_id)s and name = %(name)s and version = %(version)s;

-- name: merge_bid_settings --
update bids set settings = settings || %(changes)s, updated_at = now()
where organization_id = %(organization_id)s and id = %(bid_id)s and status = 'draft'
returning *;
