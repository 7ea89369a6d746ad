package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.CutoffSmtpProxy;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

class ResumeAfterServerLossTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    @Test
    void theNextRunDeliversTheRestAndNobodyTwice() throws Exception {
        int subscribers = 30;
        int delivered = 12;
        LocalDate date = LocalDate.parse("2026-11-26");
        TestSettings settings = TestSettings.in(dir).with("SEND_CONNECTIONS", "1");
        try (CutoffSmtpProxy proxy = new CutoffSmtpProxy(greenMail.getSmtp().getPort(), delivered);
             Paperboy first = Paperboy.open(settings.smtpPort(proxy.port()).build(), Clock.systemUTC())) {
            first.papers().upsert(SamplePapers.ranked(10, first.clock().instant()));
            for (int i = 0; i < subscribers; i++) {
                first.subscribers().addIfAbsent(EmailAddress.parse("reader" + i + "@example.org"),
                        SubscriberStatus.ACTIVE, Subscriber.Consent.byOperator(first.clock().instant(), "test"));
            }

            SendReport interrupted = first.sender().send(date, SendMode.MANUAL, ProgressListener.NONE);

            assertThat(proxy.isDown()).isTrue();
            assertThat(interrupted.sentNow()).isEqualTo(delivered);
            assertThat(interrupted.stoppedBecause()).startsWith("SMTP server unreachable");
            assertThat(interrupted.stillToSend()).isEqualTo(subscribers - delivered);
            assertThat(greenMail.getReceivedMessages()).hasSize(delivered);
        }

        try (Paperboy second = Paperboy.open(settings.smtpPort(greenMail.getSmtp().getPort()).build(), Clock.systemUTC())) {
            SendReport resumed = second.sender().send(date, SendMode.MANUAL, ProgressListener.NONE);

            assertThat(resumed.sentNow()).isEqualTo(subscribers - delivered);
            assertThat(resumed.stillToSend()).isZero();
            assertThat(second.editions().find(date).orElseThrow().status()).isEqualTo(Edition.Status.SENT);
        }
        Map<String, Long> perRecipient = Arrays.stream(greenMail.getReceivedMessages())
                .map(EditionSenderTest::recipient)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(perRecipient).hasSize(subscribers);
        assertThat(perRecipient.values()).containsOnly(1L);
        List<String> messageIds = Arrays.stream(greenMail.getReceivedMessages()).map(m -> {
            try {
                return m.getMessageID();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).distinct().toList();
        assertThat(messageIds).hasSize(subscribers);
    }
}
