-- Daily analytics snapshots written by the Dagster analytics assets, one row per metric value.
-- A (snapshot_date, metric_set) pair is one asset partition: re-materializing replaces exactly those rows.
create table analytics_metrics (
    snapshot_date date not null,
    metric_set text not null,
    organization_id uuid not null references organizations (id) on delete cascade,
    metric text not null,
    dimension text not null default '',
    value double precision,
    run_id text,
    primary key (snapshot_date, metric_set, organization_id, metric, dimension)
);
create index analytics_metrics_org_idx on analytics_metrics (organization_id, metric_set, snapshot_date desc);
