package org.paperboy.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What servers say back is kept without the addresses it quotes, and otherwise as it was. */
class ReplyTextTest {

    @Test
    void addressesInRepliesAreReplacedAndTheRestIsKept() {
        assertThat(ReplyText.withoutAddresses("550 5.1.1 <Ada@Example.org>: Recipient address rejected: User unknown"))
                .isEqualTo("550 5.1.1 <address>: Recipient address rejected: User unknown");
        assertThat(ReplyText.withoutAddresses("250 2.0.0 Ok: queued as 4F1 for ada@example.org, bob+x@mx.example.org"))
                .isEqualTo("250 2.0.0 Ok: queued as 4F1 for <address>, <address>");
        assertThat(ReplyText.withoutAddresses("501 invalid recipient address: \"ada@example.org\"; illegal"))
                .isEqualTo("501 invalid recipient address: \"<address>\"; illegal");
        assertThat(ReplyText.withoutAddresses("250 2.0.0 Ok: queued as 4F1")).isEqualTo("250 2.0.0 Ok: queued as 4F1");
        assertThat(ReplyText.withoutAddresses(null)).isNull();
    }

    @Test
    void everySendResultKeepsItsReplyWithoutAddresses() {
        assertThat(new SendResult.Accepted("250 ok <a@b.org>").reply()).isEqualTo("250 ok <address>");
        assertThat(new SendResult.Deferred(451, "451 a@b.org later").reply()).isEqualTo("451 <address> later");
        assertThat(new SendResult.Rejected(550, "550 a@b.org unknown", true).reply()).isEqualTo("550 <address> unknown");
    }
}
