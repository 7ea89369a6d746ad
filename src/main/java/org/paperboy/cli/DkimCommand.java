package org.paperboy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.paperboy.config.Settings;
import org.paperboy.mail.DkimKeys;
import org.paperboy.mail.Mailboxes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "dkim", mixinStandardHelpOptions = true, description = "DKIM signing keys.",
        subcommands = DkimCommand.Keygen.class)
final class DkimCommand extends CommandGroup {

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = {"Write a new DKIM private key (PKCS#8 PEM, readable by its owner only) and print the DNS"
                    + " TXT record to publish.", "Signing starts once PAPERBOY_DKIM_DOMAIN, PAPERBOY_DKIM_SELECTOR and"
                    + " PAPERBOY_DKIM_PRIVATE_KEY are set and the record is in DNS."})
    static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--selector", required = true, description = "the selector, e.g. paperboy2026")
        String selector;

        @Option(names = "--type", defaultValue = "rsa", description = "rsa (default) or ed25519 (a second signature)")
        String type;

        @Option(names = "--bits", defaultValue = "2048", description = "RSA key size, 2048 or more (default 2048)")
        int bits;

        @Option(names = "--domain", description = "signing domain (default: PAPERBOY_DKIM_DOMAIN, else the domain of"
                + " PAPERBOY_MAIL_FROM)")
        String domain;

        @Option(names = "--out", description = "key file to write (default: dkim-SELECTOR.pem); never overwritten")
        Path out;

        @Override
        public Integer call() throws IOException {
            PrintWriter stdout = spec.commandLine().getOut();
            if (!selector.matches("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9-]{1,63})*")) {
                throw new UsageException("--selector '" + selector + "' is not valid: letters, digits, '-' and '.'");
            }
            DkimKeys.Type kind = switch (type.toLowerCase(Locale.ROOT)) {
                case "rsa" -> DkimKeys.Type.RSA;
                case "ed25519" -> DkimKeys.Type.ED25519;
                default -> throw new UsageException("--type '" + type + "' is not valid: rsa or ed25519");
            };
            if (kind == DkimKeys.Type.RSA && (bits < DkimKeys.MIN_RSA_BITS || bits > 8192)) {
                throw new UsageException("--bits " + bits + " is not valid: " + DkimKeys.MIN_RSA_BITS + " to 8192");
            }
            String signingDomain = domain != null ? domain : defaultDomain();
            Path file = out != null ? out : Path.of("dkim-" + selector + ".pem");
            if (Files.exists(file)) {
                throw new UsageException(file + " exists; choose another --out or --selector (a key is never overwritten)");
            }
            KeyPair pair = DkimKeys.generate(kind, bits);
            Files.writeString(file, DkimKeys.pem(pair.getPrivate()), StandardOpenOption.CREATE_NEW);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the operator protects the file
            }
            stdout.printf("Wrote %s (%s). Publish this DNS TXT record:%n%n", file,
                    kind == DkimKeys.Type.RSA ? "RSA " + bits + " bits" : "Ed25519");
            stdout.printf("%s._domainkey.%s. IN TXT %s%n%n", selector, signingDomain,
                    DkimKeys.zoneText(DkimKeys.record(pair.getPublic())));
            stdout.printf("Then set PAPERBOY_DKIM_DOMAIN=%s PAPERBOY_DKIM_SELECTOR=%s PAPERBOY_DKIM_PRIVATE_KEY=%s%n",
                    signingDomain, selector, file.toAbsolutePath());
            if (kind == DkimKeys.Type.ED25519) {
                stdout.println("(an Ed25519 key is the second of each: append it after the RSA one, comma-separated)");
            }
            return Main.OK;
        }

        private static String defaultDomain() {
            Settings settings = Environment.settings();
            return settings.dkim().enabled() ? settings.dkim().domain() : Mailboxes.domain(settings.mail().from());
        }
    }
}
