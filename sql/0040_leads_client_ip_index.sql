-- The public lead form's per-address limit counts the recent leads of one client address; this index keeps
-- that count to a handful of index entries, and the limit holds across every API instance sharing the database.
create index leads_client_ip_created_idx on leads (client_ip, created_at desc) where client_ip is not null;
