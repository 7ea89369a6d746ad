-- The digest run a node fires on start because the day's run was missed, one per date in the
-- whole cluster: the node whose insert succeeds fires it, the others see the row and do not.
create table digest_catch_ups (
    edition_date  date        primary key,
    node_id       varchar(64) not null,
    fired_at      timestamp with time zone not null
);
