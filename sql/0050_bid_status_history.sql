-- Every bid status change with its time and who made it; bids keep only the latest actor and one timestamp
-- per status, this keeps the whole trail (draft → sent → accepted …).
create table bid_status_history (
    id bigserial primary key,
    organization_id uuid not null references organizations (id) on delete cascade,
    bid_id uuid not null references bids (id) on delete cascade,
    from_status text,
    to_status text not null check (to_status in ('draft', 'sent', 'accepted', 'declined', 'expired')),
    user_id uuid references users (id) on delete set null,
    changed_at timestamptz not null default now()
);
create index bid_status_history_bid_idx on bid_status_history (bid_id, id);
