package org.paperboy.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DeliveryStatusReportTest {

    static MimeMessage message(String raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    static final String POSTFIX_BOUNCE = """
            Return-Path: <>
            Delivered-To: bounces+b42-0123456789@paperboy.test
            X-Original-To: bounces+b42-0123456789@paperboy.test
            From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
            To: bounces+b42-0123456789@paperboy.test
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <20261126070005.ABC@mx.example.org>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type="delivery-status"; boundary="B"

            --B
            Content-Description: Notification
            Content-Type: text/plain; charset=us-ascii

            This is the mail system at host mx.example.org.

            --B
            Content-Description: Delivery report
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.org
            Original-Envelope-Id: <env-42>

            Final-Recipient: rfc822; someone@example.org
            Action: delayed
            Status: 4.4.1

            Final-Recipient: RFC822; <Alan@Example.org>
            Original-Recipient: rfc822;alan@example.org
            Action: Failed
            Status: 5.1.1 (user unknown)
            Diagnostic-Code: smtp; 550 5.1.1 <alan@example.org>: Recipient address
                rejected: User unknown

            --B
            Content-Type: text/rfc822-headers

            Subject: Paperboy daily papers
            --B--
            """;

    @Test
    void readsTheRecipientBlocksAndTheAddressesTheReportWasDeliveredTo() throws Exception {
        DeliveryStatusReport report = DeliveryStatusReport.parse(message(POSTFIX_BOUNCE));

        assertThat(report.deliveredTo()).contains("bounces+b42-0123456789@paperboy.test");
        assertThat(report.originalEnvelopeId()).isEqualTo("env-42");
        assertThat(report.recipients()).hasSize(2);
        DeliveryStatusReport.Recipient failed = report.primary();
        assertThat(failed.finalRecipient()).isEqualTo("Alan@Example.org");
        assertThat(failed.action()).isEqualTo(DeliveryStatusReport.Action.FAILED);
        assertThat(failed.status()).isEqualTo("5.1.1");
        assertThat(failed.permanent()).isTrue();
        assertThat(failed.diagnosticCode()).isEqualTo("smtp; 550 5.1.1 <alan@example.org>: Recipient address rejected: User unknown");
        assertThat(report.recipients().get(0).transientFailure()).isTrue();
    }

    @Test
    void refusesMessagesThatAreNotDeliveryStatusReports() throws Exception {
        assertThatThrownBy(() -> DeliveryStatusReport.parse(message("""
                From: a@example.org
                Subject: hello

                just text
                """))).isInstanceOf(DeliveryStatusReport.MalformedReportException.class)
                .hasMessageContaining("not a multipart/report");
        assertThatThrownBy(() -> DeliveryStatusReport.parse(message(
                POSTFIX_BOUNCE.replace("report-type=\"delivery-status\"", "report-type=disposition-notification"))))
                .hasMessageContaining("report-type");
        assertThatThrownBy(() -> DeliveryStatusReport.parse(message(POSTFIX_BOUNCE.replace("Action: Failed", "Action: exploded"))))
                .hasMessageContaining("unknown Action");
        assertThatThrownBy(() -> DeliveryStatusReport.parse(message(POSTFIX_BOUNCE.replace("Status: 4.4.1", "Status: soon"))))
                .hasMessageContaining("is not class.subject.detail");
    }
}
