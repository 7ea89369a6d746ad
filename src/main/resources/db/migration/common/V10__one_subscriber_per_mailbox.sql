-- One mailbox is one subscriber whatever the case of its letters (Ada@x.org = ADA@x.org).
-- Rows that differ only in case are merged into the oldest one, which keeps its spelling (the
-- first given, used in the To: header) and its preferences, and takes from the group:
--   * the earliest consent record and the earliest confirmation;
--   * the strictest status: suppressed > bounced > unsubscribed > active > pending (a person who
--     left, bounced or was suppressed under any spelling gets no mail), with the latest opt-out;
--   * the ledger: one delivery per edition, preferring one that was sent (or carries a sent
--     mark), so nobody receives an edition twice.
-- Plain SQL for H2 and PostgreSQL; the unique index on the lower-cased address follows in V11.

create table subscriber_groups (
    member_id  bigint primary key,
    keeper_id  bigint not null
);
insert into subscriber_groups (member_id, keeper_id)
select s.id, (select min(k.id) from subscribers k where lower(k.email) = lower(s.email))
from subscribers s
where exists (select 1 from subscribers o where lower(o.email) = lower(s.email) and o.id <> s.id);

update subscribers set
    status = (select case max(case g.status when 'suppressed' then 5 when 'bounced' then 4
                                            when 'unsubscribed' then 3 when 'active' then 2 else 1 end)
                         when 5 then 'suppressed' when 4 then 'bounced' when 3 then 'unsubscribed'
                         when 2 then 'active' else 'pending' end
              from subscribers g join subscriber_groups m on m.member_id = g.id
              where m.keeper_id = subscribers.id),
    created_at = (select min(g.created_at) from subscribers g join subscriber_groups m on m.member_id = g.id
                  where m.keeper_id = subscribers.id),
    consent_at = (select g.consent_at from subscribers g join subscriber_groups m on m.member_id = g.id
                  where m.keeper_id = subscribers.id and g.consent_at is not null
                  order by g.consent_at, g.id fetch first 1 row only),
    consent_ip = (select g.consent_ip from subscribers g join subscriber_groups m on m.member_id = g.id
                  where m.keeper_id = subscribers.id and g.consent_at is not null
                  order by g.consent_at, g.id fetch first 1 row only),
    consent_user_agent = (select g.consent_user_agent from subscribers g join subscriber_groups m on m.member_id = g.id
                          where m.keeper_id = subscribers.id and g.consent_at is not null
                          order by g.consent_at, g.id fetch first 1 row only),
    consent_source = (select g.consent_source from subscribers g join subscriber_groups m on m.member_id = g.id
                      where m.keeper_id = subscribers.id and g.consent_at is not null
                      order by g.consent_at, g.id fetch first 1 row only),
    confirmed_at = (select g.confirmed_at from subscribers g join subscriber_groups m on m.member_id = g.id
                    where m.keeper_id = subscribers.id and g.confirmed_at is not null
                    order by g.confirmed_at, g.id fetch first 1 row only),
    confirmed_ip = (select g.confirmed_ip from subscribers g join subscriber_groups m on m.member_id = g.id
                    where m.keeper_id = subscribers.id and g.confirmed_at is not null
                    order by g.confirmed_at, g.id fetch first 1 row only),
    confirmation_sent_at = (select max(g.confirmation_sent_at) from subscribers g
                            join subscriber_groups m on m.member_id = g.id where m.keeper_id = subscribers.id),
    unsubscribed_at = (select max(g.unsubscribed_at) from subscribers g
                       join subscriber_groups m on m.member_id = g.id where m.keeper_id = subscribers.id),
    soft_bounces = (select max(g.soft_bounces) from subscribers g
                    join subscriber_groups m on m.member_id = g.id where m.keeper_id = subscribers.id),
    last_bounce = (select max(g.last_bounce) from subscribers g
                   join subscriber_groups m on m.member_id = g.id where m.keeper_id = subscribers.id)
where id in (select keeper_id from subscriber_groups);

-- Per edition and group, the delivery that stays: sent (or marked sent) first, then one in flight,
-- then the oldest row. Every other one is dropped with its sent mark.
create table dropped_deliveries (
    delivery_id  bigint primary key
);
insert into dropped_deliveries (delivery_id)
select d.id
from deliveries d join subscriber_groups g on g.member_id = d.subscriber_id
where exists (
    select 1
    from deliveries o join subscriber_groups og on og.member_id = o.subscriber_id
    where og.keeper_id = g.keeper_id and o.edition_id = d.edition_id and o.id <> d.id
      and (case when o.state = 'sent' or exists (select 1 from delivery_sent x where x.delivery_id = o.id) then 0
                when o.state = 'sending' then 1 else 2 end,
           o.id)
          < (case when d.state = 'sent' or exists (select 1 from delivery_sent x where x.delivery_id = d.id) then 0
                  when d.state = 'sending' then 1 else 2 end,
             d.id));
delete from delivery_sent where delivery_id in (select delivery_id from dropped_deliveries);
delete from deliveries where id in (select delivery_id from dropped_deliveries);
-- a mark left on a kept row that is not 'sent' yet stays: the sender folds it in as usual
update deliveries set subscriber_id = (select g.keeper_id from subscriber_groups g where g.member_id = deliveries.subscriber_id)
where subscriber_id in (select member_id from subscriber_groups where member_id <> keeper_id);

delete from subscribers where id in (select member_id from subscriber_groups where member_id <> keeper_id);

drop table dropped_deliveries;
drop table subscriber_groups;
