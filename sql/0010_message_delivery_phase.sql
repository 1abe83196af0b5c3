-- How far the dispatcher got with a message in status 'sending', so a later pass can tell a send that never
-- reached the provider (safe to retry) from one whose outcome is unknown (never retried: at most once).
alter table messages
    add column delivery_phase text check (delivery_phase in ('claimed', 'transmitting')),
    add column claimed_at timestamptz;
