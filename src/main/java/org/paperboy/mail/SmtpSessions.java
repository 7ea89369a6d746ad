package org.paperboy.mail;

import jakarta.mail.Session;
import java.util.Properties;
import org.paperboy.config.Settings;

/** Jakarta Mail sessions configured from the SMTP settings. */
public final class SmtpSessions {

    private SmtpSessions() {
    }

    public static Session create(Settings.Smtp smtp, String heloName) {
        return create(smtp, heloName, ServerTrust.from(smtp.trust()));
    }

    /** A session whose TLS trusts {@code trust}: the JVM's CA certificates and those the operator added. */
    public static Session create(Settings.Smtp smtp, String heloName, ServerTrust trust) {
        String timeout = Long.toString(smtp.timeout().toMillis());
        TimedSocketFactory sockets = new TimedSocketFactory(smtp.timeout());
        Properties props = new Properties();
        for (String protocol : new String[] {"smtp", "smtps"}) {
            String p = "mail." + protocol + ".";
            props.put(p + "host", smtp.host());
            props.put(p + "port", Integer.toString(smtp.port()));
            // infinite by default: a silent server would hang the edition
            props.put(p + "connectiontimeout", timeout);
            props.put(p + "timeout", timeout);
            // the read timeout above and writes are timed by the sockets themselves, see TimedSocketFactory
            props.put(p + "socketFactory", sockets);
            props.put(p + "quitwait", "false");
            props.put(p + "auth", Boolean.toString(smtp.authenticates()));
            props.put(p + "localhost", heloName);
        }
        if (smtp.security() == Settings.SmtpSecurity.STARTTLS) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
            props.put("mail.smtp.ssl.checkserveridentity", "true");
            // layered over the timed socket by STARTTLS
            props.put("mail.smtp.ssl.socketFactory", trust.socketFactory());
        } else if (smtp.security() == Settings.SmtpSecurity.TLS) {
            props.put("mail.smtps.ssl.checkserveridentity", "true");
            // with an SSL factory Angus connects a plain socket of its own, not a timed one: its write
            // timeout (a timer per write) bounds the writes instead, on this slower path only
            props.put("mail.smtps.ssl.socketFactory", trust.socketFactory());
            props.put("mail.smtps.writetimeout", timeout);
        }
        return Session.getInstance(props);
    }
}
