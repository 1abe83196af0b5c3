-- name: intake_lead --
-- The public form in one statement (see pipelineos/leads/intake.py): the address's recent leads, the lead
-- (only under the limit; a repeated idempotency key inserts nothing), and its auto-reply in the outbox.
-- Always one row: the count, and the lead's columns (null when nothing was stored).
with recent as (
    select count(*)::int as n, min(created_at) as oldest, now() as now
    from (select created_at from leads
          where client_ip = %(client_ip)s::inet
            and created_at > now() - make_interval(secs => %(window_seconds)s::float8)
          order by created_at desc
          limit %(max_leads)s::int) latest
), lead as (
    insert into leads (organization_id, name, email, phone, company, address, message, source, client_ip,
                       idempotency_key)
    select %(organization_id)s::uuid, %(name)s::text, %(email)s::text, %(phone)s::text, %(company)s::text,
           %(address)s::text, %(message)s::text, %(source)s::text, %(client_ip)s::inet, %(idempotency_key)s::text
    from recent
    where recent.n < %(max_leads)s::int
    on conflict (organization_id, idempotency_key) do nothing
    returning *
), reply as (
    insert into messages (organization_id, channel, kind, recipient, subject, body_text, body_html, status,
                          max_attempts, last_error, dedupe_key, lead_id)
    select organization_id, %(reply_channel)s::text, %(reply_kind)s::text, %(reply_recipient)s::text,
           %(reply_subject)s::text, %(reply_body_text)s::text, %(reply_body_html)s::text, %(reply_status)s::text,
           %(reply_max_attempts)s::int, %(reply_last_error)s::text, 'lead-auto-reply:' || id::text, id
    from lead
    on conflict (dedupe_key) do nothing
)
select recent.n as recent_leads, recent.oldest as recent_oldest, recent.now as db_now, lead.*
from recent left join lead on true;

-- name: lead_by_idempotency_key --
select * from leads where organization_id = %(organization_id)s and idempotency_key = %(idempotency_key)s;

-- name: get_lead --
select * from leads where organization_id = %(organization_id)s and id = %(lead_id)s;

-- name: get_lead_for_update --
select * from leads where organization_id = %(organization_id)s and id = %(lead_id)s for update;

-- name: list_leads --
select * from leads
where organization_id = %(organization_id)s
  and (%(status)s::text is null or status = %(status)s::text)
  and (%(assigned_to)s::uuid is null or assigned_to = %(assigned_to)s::uuid)
  and (%(q)s::text is null or name ilike %(q)s::text or email ilike %(q)s::text or company ilike %(q)s::text)
order by created_at desc, id
limit %(limit)s offset %(offset)s;

-- name: count_leads --
select count(*) as n from leads
where organization_id = %(organization_id)s
  and (%(status)s::text is null or status = %(status)s::text)
  and (%(assigned_to)s::uuid is null or assigned_to = %(assigned_to)s::uuid)
  and (%(q)s::text is null or name ilike %(q)s::text or email ilike %(q)s::text or company ilike %(q)s::text);

-- name: update_lead --
update leads set
    status = %(status)s,
    assigned_to = %(assigned_to)s,
    status_changed_at = case when status <> %(status)s then now() else status_changed_at end,
    first_response_at = case when first_response_at is null and %(status)s <> 'new' then now()
                             else first_response_at end,
    updated_at = now()
where organization_id = %(organization_id)s and id = %(lead_id)s
returning *;

-- name: insert_note --
insert into lead_notes (organization_id, lead_id, user_id, body)
values (%(organization_id)s, %(lead_id)s, %(user_id)s, %(body)s)
returning id, lead_id, user_id, body, created_at;

-- name: list_notes --
select id, lead_id, user_id, body, created_at from lead_notes
where organization_id = %(organization_id)s and lead_id = %(lead_id)s
order by created_at, id;

-- name: user_in_org --
select 1 as ok from users where organization_id = %(organization_id)s and id = %(user_id)s and is_active;

-- name: sync_first_responses --
update leads l set first_response_at = m.sent_at, updated_at = now()
from (select lead_id, min(sent_at) as sent_at from messages
      where lead_id is not null and status = 'sent' and kind = 'lead_auto_reply' group by lead_id) m
where l.id = m.lead_id and l.first_response_at is null
returning l.id;

-- name: sync_first_responses_of --
update leads l set first_response_at = m.sent_at, updated_at = now()
from messages m
where m.id = any(%(message_ids)s::uuid[]) and m.lead_id = l.id and m.status = 'sent'
  and m.kind = 'lead_auto_reply' and l.first_response_at is null
returning l.id;

-- name: org_contact --
select name, email, phone from organizations where id = %(organization_id)s;

-- name: intake_organization --
select id, name, slug, email, phone from organizations
where (%(slug)s::text is not null and slug = %(slug)s::text)
   or (%(slug)s::text is null and (select count(*) from organizations) = 1);
