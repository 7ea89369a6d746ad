package org.paperboy.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RFC 3464 delivery status notification: a {@code multipart/report;
 * report-type=delivery-status} message whose {@code message/delivery-status} part holds one
 * block of per-message fields and one block per recipient. Also keeps the addresses the
 * report itself was delivered to, where a VERP token is found.
 */
public record DeliveryStatusReport(String messageId, List<String> deliveredTo, String originalEnvelopeId,
                                   List<Recipient> recipients) {

    /** Headers that carry the address a bounce was sent to (the original envelope sender). */
    static final List<String> ADDRESS_HEADERS = List.of("Delivered-To", "X-Original-To", "Envelope-To",
            "X-Envelope-To", "To");

    private static final int MAX_STATUS_BYTES = 64 * 1024;
    private static final Pattern STATUS = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})");

    public DeliveryStatusReport {
        deliveredTo = List.copyOf(deliveredTo);
        recipients = List.copyOf(recipients);
    }

    /** What the reporting server did with one recipient ({@code Action}) and why ({@code Status}). */
    public record Recipient(String finalRecipient, Action action, String status, String diagnosticCode) {

        /** Class 5: the address will never work. */
        public boolean permanent() {
            return status.startsWith("5");
        }

        /** Class 4: might work later. */
        public boolean transientFailure() {
            return status.startsWith("4");
        }
    }

    /** RFC 3464 §2.3.3. */
    public enum Action {
        FAILED, DELAYED, DELIVERED, RELAYED, EXPANDED;

        static Action parse(String value) throws MalformedReportException {
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new MalformedReportException("unknown Action '" + abbreviate(value) + "'");
            }
        }
    }

    /** The first recipient whose delivery failed, else the first one reported. */
    public Recipient primary() {
        return recipients.stream().filter(r -> r.action() == Action.FAILED).findFirst().orElse(recipients.get(0));
    }

    /**
     * Reads a report.
     *
     * @throws MalformedReportException when the message is not a delivery status report or its
     *                                  status part lacks a recipient with an Action and a Status
     */
    public static DeliveryStatusReport parse(Message message) throws MalformedReportException {
        try {
            ContentType type = contentType(message);
            if (!type.match("multipart/report")) {
                throw new MalformedReportException("not a multipart/report but " + type.getBaseType());
            }
            String reportType = type.getParameter("report-type");
            if (reportType == null || !reportType.equalsIgnoreCase("delivery-status")) {
                throw new MalformedReportException("report-type is " + abbreviate(String.valueOf(reportType))
                        + ", not delivery-status");
            }
            Object content = message.getContent();
            if (!(content instanceof Multipart multipart)) {
                throw new MalformedReportException("report has no parts");
            }
            Part status = null;
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (contentType(part).match("message/delivery-status")) {
                    status = part;
                    break;
                }
            }
            if (status == null) {
                throw new MalformedReportException("no message/delivery-status part");
            }
            List<InternetHeaders> blocks = fieldBlocks(status);
            if (blocks.size() < 2) {
                throw new MalformedReportException("no per-recipient fields");
            }
            List<Recipient> recipients = new ArrayList<>();
            for (InternetHeaders block : blocks.subList(1, blocks.size())) {
                recipients.add(recipient(block));
            }
            return new DeliveryStatusReport(firstHeader(message, "Message-ID"), deliveredTo(message),
                    stripAngles(field(blocks.get(0), "Original-Envelope-Id")), recipients);
        } catch (MessagingException | IOException e) {
            throw new MalformedReportException("unreadable: " + abbreviate(String.valueOf(e.getMessage())));
        }
    }

    private static Recipient recipient(InternetHeaders block) throws MalformedReportException {
        String finalRecipient = field(block, "Final-Recipient");
        String action = field(block, "Action");
        String status = field(block, "Status");
        if (finalRecipient == null || action == null || status == null) {
            throw new MalformedReportException("recipient block without Final-Recipient, Action and Status");
        }
        Matcher m = STATUS.matcher(status.strip());
        if (!m.lookingAt()) {
            throw new MalformedReportException("Status '" + abbreviate(status) + "' is not class.subject.detail");
        }
        return new Recipient(addressOf(finalRecipient), Action.parse(action), m.group(), field(block, "Diagnostic-Code"));
    }

    /** {@code rfc822; someone@example.org} → {@code someone@example.org}. */
    private static String addressOf(String typed) {
        int semicolon = typed.indexOf(';');
        return stripAngles((semicolon >= 0 ? typed.substring(semicolon + 1) : typed).strip());
    }

    /** The status part's blocks of fields, each read as a header block (RFC 3464 §2.1); empty blocks dropped. */
    private static List<InternetHeaders> fieldBlocks(Part part) throws MessagingException, IOException {
        byte[] bytes;
        try (InputStream in = part.getInputStream()) {
            bytes = in.readNBytes(MAX_STATUS_BYTES);
        }
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        List<InternetHeaders> blocks = new ArrayList<>();
        while (in.available() > 0) {
            InternetHeaders block = new InternetHeaders(in);
            if (block.getAllHeaders().hasMoreElements()) {
                blocks.add(block);
            }
        }
        return blocks;
    }

    /** The first value of a field on one line, its runs of white space made one space; null when absent. */
    private static String field(InternetHeaders block, String name) {
        String value = block.getHeader(name, null);
        return value == null ? null : MimeUtility.unfold(value).replaceAll("\\s+", " ").strip();
    }

    private static List<String> deliveredTo(Message message) throws MessagingException {
        List<String> addresses = new ArrayList<>();
        for (String header : ADDRESS_HEADERS) {
            String[] values = message.getHeader(header);
            if (values == null) {
                continue;
            }
            for (String value : values) {
                try {
                    for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                        addresses.add(address.getAddress());
                    }
                } catch (jakarta.mail.internet.AddressException e) {
                    addresses.add(value.strip());
                }
            }
        }
        return addresses;
    }

    private static ContentType contentType(Part part) throws MessagingException, MalformedReportException {
        try {
            return new ContentType(part.getContentType());
        } catch (ParseException e) {
            throw new MalformedReportException("bad Content-Type");
        }
    }

    private static String firstHeader(Message message, String name) throws MessagingException {
        String[] values = message.getHeader(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    private static String stripAngles(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        return v.startsWith("<") && v.endsWith(">") ? v.substring(1, v.length() - 1) : v;
    }

    static String abbreviate(String value) {
        String oneLine = value.replaceAll("[\\r\\n\\t]+", " ");
        return oneLine.length() > 80 ? oneLine.substring(0, 80) + "..." : oneLine;
    }

    /** The message is not a usable delivery status report. */
    public static final class MalformedReportException extends Exception {
        public MalformedReportException(String message) {
            super(message);
        }
    }

    /** The address of the first recipient, if any: a convenience for logs. */
    public Optional<String> firstRecipient() {
        return recipients.isEmpty() ? Optional.empty() : Optional.of(recipients.get(0).finalRecipient());
    }
}
