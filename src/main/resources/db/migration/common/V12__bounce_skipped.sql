-- Messages in a POP3 bounce mailbox that were not understood and stay there for a person, by
-- their UIDL: POP3 has no flags to mark them, and without this they were read on every poll and
-- counted toward its cap, so enough junk hid every later report.
create table bounce_skipped (
    uidl        varchar(128) primary key,
    skipped_at  timestamp with time zone not null
);
