-- Bounces reported after a message was accepted (delivery status notifications read from the
-- bounce mailbox), recorded on the delivery they answer: 'hard' or 'soft', with the DSN status.
-- Recording them per delivery makes a report read twice count once, and lets a delivery that
-- did not bounce end a run of soft bounces.
alter table deliveries add column bounce varchar(8);
alter table deliveries add column bounce_status varchar(16);
alter table deliveries add column bounced_at timestamp with time zone;
create index deliveries_subscriber_idx on deliveries (subscriber_id, edition_id);
