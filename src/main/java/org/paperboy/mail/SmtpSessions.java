package org.paperboy.mail;

import jakarta.mail.Session;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Properties;
import javax.net.SocketFactory;
import org.paperboy.config.Settings;

/** Jakarta Mail sessions configured from the SMTP settings. */
public final class SmtpSessions {

    private SmtpSessions() {
    }

    public static Session create(Settings.Smtp smtp, String heloName) {
        String timeout = Long.toString(smtp.timeout().toMillis());
        Properties props = new Properties();
        for (String protocol : new String[] {"smtp", "smtps"}) {
            String p = "mail." + protocol + ".";
            props.put(p + "host", smtp.host());
            props.put(p + "port", Integer.toString(smtp.port()));
            // all three are infinite by default: a silent server would hang the edition
            props.put(p + "connectiontimeout", timeout);
            props.put(p + "timeout", timeout);
            props.put(p + "writetimeout", timeout);
            props.put(p + "quitwait", "false");
            props.put(p + "auth", Boolean.toString(smtp.authenticates()));
            props.put(p + "localhost", heloName);
        }
        // Nagle's algorithm meets delayed ACKs on every SMTP command otherwise (about 45 ms a message)
        props.put("mail.smtp.socketFactory", new NoDelaySocketFactory(SocketFactory.getDefault()));
        if (smtp.security() == Settings.SmtpSecurity.STARTTLS) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
            props.put("mail.smtp.ssl.checkserveridentity", "true");
        } else if (smtp.security() == Settings.SmtpSecurity.TLS) {
            props.put("mail.smtps.ssl.checkserveridentity", "true");
        }
        return Session.getInstance(props);
    }

    /** Creates sockets with TCP_NODELAY set. */
    static final class NoDelaySocketFactory extends SocketFactory {
        private final SocketFactory delegate;

        NoDelaySocketFactory(SocketFactory delegate) {
            this.delegate = delegate;
        }

        private static Socket noDelay(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(delegate.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
