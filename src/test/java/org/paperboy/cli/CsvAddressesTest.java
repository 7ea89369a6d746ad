package org.paperboy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.paperboy.subscriptions.EmailAddress;

/** A CSV that names one mailbox in several spellings imports it once, as first spelled. */
class CsvAddressesTest {

    @Test
    void oneMailboxInSeveralSpellingsIsOneAddressAsFirstSpelled() {
        List<SubscriberCsv.Row> rows = SubscriberCsv.read("list.csv", String.join("\n", "email,name",
                "Ada@example.org,Ada", "ADA@EXAMPLE.ORG,Ada again", "bob@example.org,Bob", "aDa@Example.org,Ada once more")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(rows).extracting(SubscriberCsv.Row::email).extracting(EmailAddress::value)
                .containsExactly("Ada@example.org", "bob@example.org");
    }
}
