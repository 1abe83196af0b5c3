-- name: insert_user --
insert into users (organization_id, email, full_name, role, password_hash)
values (%(organization_id)s, %(email)s, %(full_name)s, %(role)s, %(password_hash)s)
returning id, organization_id, email, full_name, role, is_active, created_at;

-- name: user_for_login --
select id, organization_id, email, full_name, role, is_active, created_at, password_hash
from users where lower(email) = lower(%(email)s);

-- name: get_user --
select id, organization_id, email, full_name, role, is_active, created_at
from users where id = %(user_id)s;

-- name: get_org_user --
select id, organization_id, email, full_name, role, is_active, created_at
from users where organization_id = %(organization_id)s and id = %(user_id)s;

-- name: list_users --
select id, organization_id, email, full_name, role, is_active, created_at
from users where organization_id = %(organization_id)s order by email;

-- name: org_by_slug --
select id, name, slug from organizations where slug = %(slug)s;

-- name: only_org --
select id, name, slug from organizations order by created_at limit 2;

-- name: insert_refresh_token --
insert into refresh_tokens (organization_id, user_id, family_id, token_hash, expires_at)
values (%(organization_id)s, %(user_id)s, %(family_id)s, %(token_hash)s, now() + make_interval(secs => %(seconds)s))
returning id;

-- name: refresh_token_for_update --
select id, organization_id, user_id, family_id, expires_at, used_at, revoked_at, expires_at <= now() as expired
from refresh_tokens where token_hash = %(token_hash)s for update;

-- name: mark_refresh_used --
update refresh_tokens set used_at = now() where id = %(id)s;

-- name: revoke_family --
update refresh_tokens set revoked_at = coalesce(revoked_at, now()) where family_id = %(family_id)s;

-- name: family_state --
select bool_or(revoked_at is not null) as revoked from refresh_tokens where family_id = %(family_id)s
having count(*) > 0;

-- name: insert_api_key --
insert into api_keys (organization_id, name, prefix, key_hash, role, created_by)
values (%(organization_id)s, %(name)s, %(prefix)s, %(key_hash)s, %(role)s, %(created_by)s)
returning id, name, prefix, role, created_at, last_used_at, revoked_at;

-- name: api_key_by_hash --
update api_keys set last_used_at = now()
where key_hash = %(key_hash)s and revoked_at is null
returning id, organization_id, name, role, created_by;

-- name: list_api_keys --
select id, name, prefix, role, created_at, last_used_at, revoked_at
from api_keys where organization_id = %(organization_id)s order by created_at;

-- name: revoke_api_key --
update api_keys set revoked_at = coalesce(revoked_at, now())
where organization_id = %(organization_id)s and id = %(id)s
returning id;
