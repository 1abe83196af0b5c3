-- Frames for analysis: ids as text and money as float8 so Polars and DuckDB read them without object columns.

-- name: blueprints --
select id::text as id, status, page_count, created_at, completed_at, customer_name
from blueprints
where organization_id = %(organization_id)s;

-- name: bids --
select id::text as id, blueprint_id::text as blueprint_id, status, customer_name, catalog_version,
       material_cost::float8 as material_cost, labor_hours::float8 as labor_hours,
       labor_cost::float8 as labor_cost, overhead::float8 as overhead, markup::float8 as markup,
       contingency::float8 as contingency, tax::float8 as tax, total::float8 as total,
       created_at, sent_at, accepted_at, declined_at, expired_at
from bids
where organization_id = %(organization_id)s;

-- name: bid_lines --
select l.bid_id::text as bid_id, l.fixture_class, l.quantity::float8 as quantity,
       l.material_cost::float8 as material_cost, l.labor_hours::float8 as labor_hours,
       l.labor_cost::float8 as labor_cost, l.total::float8 as total
from bid_lines l
where l.organization_id = %(organization_id)s;

-- name: leads --
select id::text as id, status, source, created_at, first_response_at, status_changed_at
from leads
where organization_id = %(organization_id)s;

-- name: detections --
select id::text as id, blueprint_id::text as blueprint_id, page_index, fixture_class,
       confidence::float8 as confidence, method
from fixture_detections
where organization_id = %(organization_id)s;

-- name: decisions --
select detection_id::text as detection_id, blueprint_id::text as blueprint_id, action, fixture_class,
       page_index, created_at
from review_decisions
where organization_id = %(organization_id)s;

-- name: catalog_rates --
select id::text as catalog_id, name, version, labor_rate::float8 as labor_rate,
       overhead_pct::float8 as overhead_pct, markup_pct::float8 as markup_pct, tax_pct::float8 as tax_pct,
       contingency_pct::float8 as contingency_pct
from price_catalogs
where organization_id = %(organization_id)s
order by is_active desc, version desc;

-- name: assembly_items --
select a.catalog_id::text as catalog_id, a.fixture_class, a.name as assembly_name,
       a.labor_hours::float8 as labor_hours, ai.quantity::float8 as quantity,
       i.material_cost::float8 as material_cost, i.discount_multiplier::float8 as discount_multiplier
from assemblies a
left join assembly_items ai on ai.assembly_id = a.id
left join price_items i on i.id = ai.item_id
where a.organization_id = %(organization_id)s and a.variant = 'standard'
order by a.catalog_id, a.fixture_class, i.sku;
