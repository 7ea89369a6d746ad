-- "Sent" marks, one narrow row each, written the moment the SMTP server accepts a message and
-- folded into deliveries in batches: a commit of a few small rows costs far less than rewriting
-- the ledger's pages for every message. A delivery with a row here has been sent.
create table delivery_sent (
    delivery_id  bigint primary key,
    reply        varchar(1000),
    sent_at      timestamp with time zone not null
);
