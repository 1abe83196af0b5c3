-- PipelineOS initial schema. Every business row carries organization_id.

create table organizations (
    id uuid primary key default gen_random_uuid(),
    name text not null,
    slug text not null unique,
    email text,
    phone text,
    address text,
    brand jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now()
);

create table users (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    email text not null,
    full_name text not null default '',
    role text not null check (role in ('admin', 'estimator', 'viewer')),
    password_hash text not null,
    is_active boolean not null default true,
    created_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));

create table refresh_tokens (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    family_id uuid not null,
    token_hash text not null unique,
    expires_at timestamptz not null,
    used_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz not null default now()
);
create index refresh_tokens_family_idx on refresh_tokens (family_id);

create table api_keys (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    name text not null,
    prefix text not null,
    key_hash text not null unique,
    role text not null check (role in ('admin', 'estimator', 'viewer')),
    created_by uuid references users (id) on delete set null,
    last_used_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz not null default now()
);

create table blueprints (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    project_name text not null default '',
    original_name text not null,
    content_type text not null,
    size_bytes bigint not null check (size_bytes >= 0),
    sha256 char(64) not null,
    status text not null default 'pending'
        check (status in ('pending', 'processing', 'completed', 'failed')),
    error text,
    page_count integer,
    customer_name text,
    customer_email text,
    uploaded_by uuid references users (id) on delete set null,
    idempotency_key text,
    previous_blueprint_id uuid references blueprints (id) on delete set null,
    run_id text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    started_at timestamptz,
    completed_at timestamptz,
    unique (organization_id, idempotency_key)
);
create index blueprints_org_status_idx on blueprints (organization_id, status, created_at desc);

create table blueprint_pages (
    organization_id uuid not null references organizations (id) on delete cascade,
    blueprint_id uuid not null references blueprints (id) on delete cascade,
    page_index integer not null check (page_index >= 0),
    width_pt double precision not null,
    height_pt double precision not null,
    render_dpi integer not null,
    image_sha256 char(64) not null,
    text_sha256 char(64),
    is_vector boolean not null,
    sheet_number text,
    sheet_title text,
    discipline text,
    sheet_kind text,
    error text,
    run_id text,
    code_version text,
    created_at timestamptz not null default now(),
    primary key (blueprint_id, page_index)
);

create table fixture_detections (
    id uuid primary key,
    organization_id uuid not null references organizations (id) on delete cascade,
    blueprint_id uuid not null references blueprints (id) on delete cascade,
    page_index integer not null,
    fixture_class text not null,
    x0 double precision not null check (x0 between 0 and 1),
    y0 double precision not null check (y0 between 0 and 1),
    x1 double precision not null check (x1 between 0 and 1),
    y1 double precision not null check (y1 between 0 and 1),
    confidence real not null check (confidence between 0 and 1),
    method text not null,
    tag text,
    detector_version text not null,
    run_id text,
    created_at timestamptz not null default now()
);
create index fixture_detections_bp_idx on fixture_detections (blueprint_id, page_index);

-- detection_id is a soft reference: detection ids are deterministic, so decisions survive a re-run.
create table review_decisions (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    blueprint_id uuid not null references blueprints (id) on delete cascade,
    detection_id uuid,
    action text not null check (action in ('accept', 'reject', 'relabel', 'add')),
    fixture_class text,
    page_index integer,
    x0 double precision, y0 double precision, x1 double precision, y1 double precision,
    reason text not null default '',
    user_id uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    check (action = 'add' or detection_id is not null),
    check (action not in ('add', 'relabel') or fixture_class is not null)
);
create index review_decisions_bp_idx on review_decisions (blueprint_id, created_at);

create table price_catalogs (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    name text not null,
    version integer not null default 1,
    effective_from date not null default current_date,
    is_active boolean not null default true,
    currency text not null default 'USD',
    labor_rate numeric(10, 2) not null default 95.00,
    overhead_pct numeric(6, 3) not null default 10,
    markup_pct numeric(6, 3) not null default 15,
    tax_pct numeric(6, 3) not null default 8.25,
    contingency_pct numeric(6, 3) not null default 3,
    created_at timestamptz not null default now(),
    unique (organization_id, name, version)
);

create table price_items (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    catalog_id uuid not null references price_catalogs (id) on delete cascade,
    sku text not null,
    description text not null,
    unit text not null default 'ea',
    material_cost numeric(12, 2) not null check (material_cost >= 0),
    supplier text not null default '',
    discount_multiplier numeric(6, 4) not null default 1 check (discount_multiplier > 0),
    price_changed_at date not null default current_date,
    unique (catalog_id, sku)
);

create table assemblies (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    catalog_id uuid not null references price_catalogs (id) on delete cascade,
    fixture_class text not null,
    variant text not null default 'standard',
    name text not null,
    labor_hours numeric(8, 2) not null default 0 check (labor_hours >= 0),
    unique (catalog_id, fixture_class, variant)
);

create table assembly_items (
    organization_id uuid not null references organizations (id) on delete cascade,
    assembly_id uuid not null references assemblies (id) on delete cascade,
    item_id uuid not null references price_items (id) on delete cascade,
    phase text not null check (phase in ('rough_in', 'finish', 'fixture', 'trim')),
    quantity numeric(10, 3) not null check (quantity > 0),
    primary key (assembly_id, item_id, phase)
);

create table bids (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    blueprint_id uuid not null references blueprints (id) on delete cascade,
    catalog_id uuid not null references price_catalogs (id),
    catalog_version integer not null,
    name text not null default 'Base bid',
    customer_name text,
    customer_email text,
    status text not null default 'draft'
        check (status in ('draft', 'sent', 'accepted', 'declined', 'expired')),
    material_cost numeric(14, 2) not null default 0,
    labor_hours numeric(12, 2) not null default 0,
    labor_cost numeric(14, 2) not null default 0,
    overhead numeric(14, 2) not null default 0,
    markup numeric(14, 2) not null default 0,
    contingency numeric(14, 2) not null default 0,
    tax numeric(14, 2) not null default 0,
    total numeric(14, 2) not null default 0,
    settings jsonb not null default '{}'::jsonb,
    run_id text,
    detector_version text,
    code_version text,
    created_by uuid references users (id) on delete set null,
    status_changed_by uuid references users (id) on delete set null,
    priced_at timestamptz,
    sent_at timestamptz,
    accepted_at timestamptz,
    declined_at timestamptz,
    expired_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index bids_blueprint_idx on bids (blueprint_id);

create table bid_lines (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    bid_id uuid not null references bids (id) on delete cascade,
    line_no integer not null,
    fixture_class text,
    description text not null,
    quantity numeric(12, 3) not null,
    unit_material numeric(12, 2) not null default 0,
    material_cost numeric(14, 2) not null default 0,
    labor_hours numeric(12, 2) not null default 0,
    labor_cost numeric(14, 2) not null default 0,
    total numeric(14, 2) not null default 0,
    source jsonb not null default '{}'::jsonb,
    flag text,
    run_id text,
    unique (bid_id, line_no)
);

-- Manual overrides live apart from bid_lines so re-pricing (delete + insert of lines) keeps them.
create table bid_line_overrides (
    organization_id uuid not null references organizations (id) on delete cascade,
    bid_id uuid not null references bids (id) on delete cascade,
    fixture_class text not null,
    quantity numeric(12, 3),
    unit_price numeric(12, 2),
    reason text not null default '',
    user_id uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    primary key (bid_id, fixture_class)
);

create table proposals (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    bid_id uuid not null references bids (id) on delete cascade,
    pdf_sha256 char(64) not null,
    page_count integer not null,
    recipient_email text,
    status text not null default 'rendered' check (status in ('rendered', 'queued', 'sent', 'failed')),
    message_id uuid,
    run_id text,
    code_version text,
    created_at timestamptz not null default now(),
    sent_at timestamptz,
    unique (bid_id, pdf_sha256)
);

create table leads (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    name text not null,
    email text,
    phone text,
    company text,
    address text,
    message text not null default '',
    source text not null default 'web',
    status text not null default 'new' check (status in ('new', 'contacted', 'bid_sent', 'won', 'lost')),
    assigned_to uuid references users (id) on delete set null,
    client_ip inet,
    idempotency_key text,
    first_response_at timestamptz,
    status_changed_at timestamptz not null default now(),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organization_id, idempotency_key)
);
create index leads_org_status_idx on leads (organization_id, status, created_at desc);

create table lead_notes (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    lead_id uuid not null references leads (id) on delete cascade,
    user_id uuid references users (id) on delete set null,
    body text not null,
    created_at timestamptz not null default now()
);

create table messages (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on delete cascade,
    channel text not null check (channel in ('email', 'sms')),
    kind text not null,
    recipient text not null,
    subject text not null default '',
    body_text text not null default '',
    body_html text,
    attachments jsonb not null default '[]'::jsonb,
    status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed', 'dead')),
    attempts integer not null default 0,
    max_attempts integer not null default 6,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    provider_message_id text,
    dedupe_key text unique,
    lead_id uuid references leads (id) on delete set null,
    bid_id uuid references bids (id) on delete set null,
    proposal_id uuid references proposals (id) on delete set null,
    created_at timestamptz not null default now(),
    sent_at timestamptz
);
create index messages_due_idx on messages (next_attempt_at) where status in ('queued', 'sending');

create table audit_log (
    id bigserial primary key,
    organization_id uuid not null references organizations (id) on delete cascade,
    actor_user_id uuid references users (id) on delete set null,
    action text not null,
    entity text not null,
    entity_id text,
    details jsonb not null default '{}'::jsonb,
    request_id text,
    created_at timestamptz not null default now()
);
create index audit_log_entity_idx on audit_log (entity, entity_id);
