-- Lineage for the Dagster pipeline: every detection, bid line and proposal names the run and the code/data
-- versions it came from; bids are addressed by (blueprint, variant) so a second bid is its own partition.

alter table fixture_detections
    add column code_version text,
    add column data_version text;

alter table blueprint_pages
    add column data_version text;

alter table bid_lines
    add column code_version text,
    add column data_version text;

alter table proposals
    add column data_version text;

alter table bids
    add column variant text,
    add column takeoff_run_id text,
    add column data_version text;
create unique index bids_blueprint_variant_key on bids (blueprint_id, variant) where variant is not null;

-- A request to price (or re-price) one bid of a blueprint; the bid-requests sensor turns each into a run.
create table bid_requests (
    seq bigserial primary key,
    organization_id uuid not null references organizations (id) on delete cascade,
    blueprint_id uuid not null references blueprints (id) on delete cascade,
    variant text not null default 'base' check (variant ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    catalog_id uuid references price_catalogs (id) on delete set null,
    customer_name text,
    customer_email text,
    send_proposal boolean not null default true,
    reason text not null default 'takeoff',
    requested_at timestamptz not null default now()
);
create index bid_requests_bp_idx on bid_requests (blueprint_id, variant, seq desc);

-- The reviewed takeoff of a blueprint (detections with review decisions applied), one row per fixture.
create table reviewed_takeoff (
    organization_id uuid not null references organizations (id) on delete cascade,
    blueprint_id uuid not null references blueprints (id) on delete cascade,
    detection_id uuid not null,
    page_index integer not null,
    sheet_number text,
    fixture_class text not null,
    source text not null check (source in ('detected', 'relabeled', 'added')),
    run_id text,
    data_version text,
    primary key (blueprint_id, detection_id)
);
