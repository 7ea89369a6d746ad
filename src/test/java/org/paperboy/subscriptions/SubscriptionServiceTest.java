package org.paperboy.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

class SubscriptionServiceTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
    Paperboy paperboy;
    SubscriptionService service;

    @BeforeEach
    void open() {
        paperboy = Paperboy.open(TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort()).build(), clock);
        paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
        service = new SubscriptionService(paperboy.subscribers(), new ErasedAddresses(paperboy.database()),
                new PersonalData(paperboy.database(), clock), paperboy::links,
                new ConfirmationMailer(paperboy.templates(), paperboy.settings().mail(), "https://papers.example.org",
                        paperboy.transports(), paperboy.settings().digest().timezone(), clock), clock);
    }

    @AfterEach
    void close() {
        paperboy.close();
    }

    private static Subscriber.Consent web() {
        return new Subscriber.Consent(Instant.parse("2026-11-26T07:00:00Z"), "192.0.2.1", "UA", "web form", null, null);
    }

    @Test
    void oneConfirmationPerAddressPerHourAndNoneForSuppressedOrBounced() {
        EmailAddress ada = EmailAddress.parse("ada@example.org");
        assertThat(service.requestSubscription(ada, List.of(), web())).isEqualTo(SubscriptionService.SignUp.CONFIRMATION_SENT);
        assertThat(service.requestSubscription(ada, List.of(), web())).isEqualTo(SubscriptionService.SignUp.THROTTLED);
        clock.advance(Duration.ofHours(1));
        assertThat(service.requestSubscription(ada, List.of(), web())).isEqualTo(SubscriptionService.SignUp.CONFIRMATION_SENT);

        long bounced = paperboy.subscribers().addIfAbsent(EmailAddress.parse("b@example.org"), SubscriberStatus.ACTIVE,
                web()).orElseThrow().id();
        paperboy.subscribers().markBounced(bounced, "550 no such user");
        assertThat(service.requestSubscription(EmailAddress.parse("b@example.org"), List.of(), web()))
                .isEqualTo(SubscriptionService.SignUp.IGNORED);
        assertThat(greenMail.getReceivedMessages()).hasSize(2);
    }

    @Test
    void confirmationEmailHasBothPartsAndTheSignedLink() throws Exception {
        service.requestSubscription(EmailAddress.parse("ada@example.org"), List.of(), web());

        var message = greenMail.getReceivedMessages()[0];
        var body = (jakarta.mail.internet.MimeMultipart) message.getContent();
        assertThat(message.getSubject()).isEqualTo("Confirm your subscription to Paperboy daily papers");
        assertThat(message.getFrom()[0].toString()).isEqualTo("Paperboy <digest@paperboy.test>");
        assertThat((String) body.getBodyPart(0).getContent())
                .contains("https://papers.example.org/confirm?token=", "72 hours", "Paperboy Ltd");
        assertThat((String) body.getBodyPart(1).getContent()).contains("href=\"https://papers.example.org/confirm?token=");
    }

    @Test
    void eraseAnonymisesTheRowKeepsDeliveriesAndBlocksOperatorAdds() {
        EmailAddress ada = EmailAddress.parse("ada@example.org");
        long id = paperboy.subscribers().addIfAbsent(ada, SubscriberStatus.ACTIVE, web()).orElseThrow().id();
        paperboy.sender().send(LocalDate.parse("2026-11-26"), SendMode.MANUAL, ProgressListener.NONE);

        assertThat(service.erase(ada)).isTrue();

        assertThat(service.isErased(ada)).isTrue();
        assertThat(service.isErased(EmailAddress.parse("ADA@example.org"))).isTrue();
        assertThat(service.isErased(EmailAddress.parse("alan@example.org"))).isFalse();
        assertThat(service.export(ada)).isEmpty();
        Subscriber row = paperboy.subscribers().findById(id).orElseThrow();
        assertThat(row.email()).isEqualTo("erased-" + id + "@erased.invalid");
        assertThat(row.status()).isEqualTo(SubscriberStatus.SUPPRESSED);
        assertThat(row.consent()).isEqualTo(new Subscriber.Consent(null, null, null, null, null, null));
        assertThat(paperboy.ledger().progress(paperboy.editions().find(LocalDate.parse("2026-11-26")).orElseThrow())
                .get(org.paperboy.delivery.DeliveryLedger.State.SENT)).isEqualTo(1);
        assertThatThrownBy(() -> service.addByOperator(ada, SubscriberStatus.ACTIVE, List.of(),
                Subscriber.Consent.byOperator(clock.instant(), "csv")))
                .isInstanceOf(SubscriptionRefusedException.class)
                .hasMessageContaining("was erased on request");
    }
}
