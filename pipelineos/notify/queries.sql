-- name: insert_message --
insert into messages (organization_id, channel, kind, recipient, subject, body_text, body_html, attachments,
                      status, max_attempts, next_attempt_at, last_error, dedupe_key, lead_id, bid_id, proposal_id)
values (%(organization_id)s, %(channel)s, %(kind)s, %(recipient)s, %(subject)s, %(body_text)s, %(body_html)s,
        %(attachments)s, %(status)s, %(max_attempts)s, coalesce(%(send_at)s, now()), %(last_error)s,
        %(dedupe_key)s, %(lead_id)s, %(bid_id)s, %(proposal_id)s)
on conflict (dedupe_key) do nothing
returning id;

-- name: message_by_dedupe_key --
select id from messages where dedupe_key = %(dedupe_key)s;

-- name: get_message --
select * from messages where id = %(message_id)s;

-- name: claim_due --
select * from messages
where status in ('queued', 'sending') and next_attempt_at <= %(now)s
order by next_attempt_at, created_at
limit %(limit)s
for update skip locked;

-- name: claim_one --
select * from messages where id = %(message_id)s and status in ('queued', 'sending') for update skip locked;

-- name: mark_claimed --
-- Claim a batch: each message keeps the Message-ID of its first claim, else gets the one generated for it.
update messages m set status = 'sending', attempts = m.attempts + 1, delivery_phase = 'claimed',
    claimed_at = %(now)s, provider_message_id = coalesce(m.provider_message_id, c.provider_message_id),
    next_attempt_at = %(lease_until)s
from unnest(%(ids)s::uuid[], %(provider_message_ids)s::text[]) as c (id, provider_message_id)
where m.id = c.id
returning m.*;

-- name: mark_transmitting --
update messages set delivery_phase = 'transmitting' where id = %(message_id)s and status = 'sending';

-- name: relax_commit --
set local synchronous_commit = off;

-- name: mark_sent --
update messages set status = 'sent', sent_at = %(now)s, delivery_phase = null, last_error = null,
    provider_message_id = coalesce(%(provider_message_id)s, provider_message_id)
where id = %(message_id)s;

-- name: mark_retry --
update messages set status = 'queued', delivery_phase = null, last_error = %(error)s,
    next_attempt_at = %(next_attempt_at)s
where id = %(message_id)s;

-- name: mark_final --
update messages set status = %(status)s, delivery_phase = null, last_error = %(error)s
where id = %(message_id)s;

-- name: mark_unknown --
update messages set last_error = %(error)s where id = %(message_id)s;

-- name: proposal_sent --
update proposals set status = %(status)s, sent_at = case when %(status)s = 'sent' then %(now)s else sent_at end
where id = %(proposal_id)s;

-- name: organization --
select * from organizations where id = %(organization_id)s;
