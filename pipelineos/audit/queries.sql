-- name: insert_entry --
insert into audit_log (organization_id, actor_user_id, action, entity, entity_id, details, request_id)
values (%(org)s, %(actor)s, %(action)s, %(entity)s, %(entity_id)s, %(details)s, %(request_id)s);

-- name: list_entries --
select id, actor_user_id, action, entity, entity_id, details, request_id, created_at from audit_log
where organization_id = %(org)s
  and (%(entity)s::text is null or entity = %(entity)s::text)
  and (%(entity_id)s::text is null or entity_id = %(entity_id)s::text)
order by id desc
limit %(limit)s;
