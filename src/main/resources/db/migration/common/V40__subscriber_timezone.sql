-- A reader's own IANA time zone (e.g. Asia/Kolkata); null means the newsletter's PAPERBOY_TIMEZONE.
-- Their digest is due at PAPERBOY_DELIVERY_TIME on their own calendar date in this zone.
alter table subscribers add column timezone varchar(64);
