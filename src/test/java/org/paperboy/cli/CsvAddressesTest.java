package org.paperboy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.paperboy.subscriptions.EmailAddress;

/** A CSV that names one mailbox in several spellings imports it once, as first spelled. */
class CsvAddressesTest {

    @Test
    void oneMailboxInSeveralSpellingsIsOneAddressAsFirstSpelled() {
        List<EmailAddress> addresses = CsvAddresses.parse("list.csv",
                List.of("email,name", "Ada@example.org,Ada", "ADA@EXAMPLE.ORG,Ada again", "bob@example.org,Bob",
                        "aDa@Example.org,Ada once more"));

        assertThat(addresses).extracting(EmailAddress::value).containsExactly("Ada@example.org", "bob@example.org");
    }
}
