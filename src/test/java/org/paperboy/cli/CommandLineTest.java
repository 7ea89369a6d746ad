package org.paperboy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.testing.CliProcess;
import org.paperboy.testing.TestSettings;

/** The command line as an operator uses it: a real child JVM per command, a real database and SMTP server. */
class CommandLineTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path workDir;

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("PAPERBOY_DB_URL", "jdbc:h2:file:" + workDir.resolve("data/paperboy"));
        env.put("PAPERBOY_SMTP_HOST", "127.0.0.1");
        env.put("PAPERBOY_SMTP_PORT", Integer.toString(greenMail.getSmtp().getPort()));
        env.put("PAPERBOY_SMTP_SECURITY", "none");
        env.put("PAPERBOY_SECRET", TestSettings.SECRET);
        env.put("PAPERBOY_LOG_LEVEL", "warn");
        return env;
    }

    CliProcess.Result paperboy(Map<String, String> env, String... args) throws Exception {
        return CliProcess.run(workDir, env, args);
    }

    @Test
    void aBadSettingExitsWithTwoAndNamesTheKey() throws Exception {
        Map<String, String> env = env();
        env.put("PAPERBOY_DIGEST_SIZE", "lots");

        CliProcess.Result result = paperboy(env, "papers", "trending");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines().findFirst()).contains(
                "paperboy: configuration error: PAPERBOY_DIGEST_SIZE='lots' is not valid: expected a whole number from 1 to 25");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void aShortAdminTokenOrAFromHeaderOfTwoAddressesStopsStartUpWithTwo() throws Exception {
        for (String[] bad : new String[][] {{"PAPERBOY_ADMIN_TOKEN", "a-long-random-token"},
                {"PAPERBOY_MAIL_FROM", "Doe, Jane <jane@example.org>"}}) {
            Map<String, String> env = env();
            env.put(bad[0], bad[1]);

            CliProcess.Result result = paperboy(env, "papers", "trending");

            assertThat(result.exitCode()).as(bad[0]).isEqualTo(2);
            assertThat(result.err().lines().findFirst().orElseThrow())
                    .startsWith("paperboy: configuration error: " + bad[0] + "=");
            assertThat(result.err()).doesNotContain("a-long-random-token");
        }
    }

    @Test
    void theDemoKeepsItsDatabaseAndOutboxToItsOwner() throws Exception {
        CliProcess.Result result = paperboy(Map.of("PAPERBOY_LOG_LEVEL", "warn"), "demo", "--out", "demo");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(0);
        var ownerOnlyFile = java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
        var ownerOnlyDir = java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
        Path demo = workDir.resolve("demo");
        assertThat(java.nio.file.Files.getPosixFilePermissions(demo)).isEqualTo(ownerOnlyDir);
        assertThat(java.nio.file.Files.getPosixFilePermissions(demo.resolve("outbox"))).isEqualTo(ownerOnlyDir);
        try (var files = java.nio.file.Files.walk(demo)) {
            List<Path> all = files.filter(java.nio.file.Files::isRegularFile).toList();
            assertThat(all).extracting(p -> p.getFileName().toString())
                    .contains("paperboy.mv.db", "paperboy.password").anyMatch(n -> n.endsWith(".eml"));
            for (Path file : all) {
                assertThat(java.nio.file.Files.getPosixFilePermissions(file)).as(file.toString()).isEqualTo(ownerOnlyFile);
            }
        }
    }

    @Test
    void sendRefusesToStartWithoutASecret() throws Exception {
        Map<String, String> env = env();
        env.remove("PAPERBOY_SECRET");

        CliProcess.Result result = paperboy(env, "send");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("PAPERBOY_SECRET", "at least 32 bytes");
    }

    @Test
    void anUnknownCommandIsAUsageError() throws Exception {
        CliProcess.Result result = paperboy(env(), "sned");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Unmatched argument");
    }

    @Test
    void anAddressErasedOnRequestCannotBeAddedBackByTheOperator() throws Exception {
        try (org.paperboy.Paperboy paperboy = org.paperboy.Paperboy.open(TestSettings.in(workDir)
                .with("DB_URL", env().get("PAPERBOY_DB_URL")).build(), java.time.Clock.systemUTC())) {
            var email = org.paperboy.subscriptions.EmailAddress.parse("erased@example.org");
            paperboy.subscribers().addIfAbsent(email, org.paperboy.subscriptions.SubscriberStatus.ACTIVE,
                    org.paperboy.subscriptions.Subscriber.Consent.byOperator(paperboy.clock().instant(), "test"));
            assertThat(new org.paperboy.subscriptions.PersonalData(paperboy.database(), paperboy.clock()).erase(email))
                    .isTrue();
        }
        Path csv = workDir.resolve("again.csv");
        Files.writeString(csv, "email\nnew@example.org\nErased@Example.org\n");

        CliProcess.Result added = paperboy(env(), "subscribers", "add", "erased@example.org", "--confirmed");
        CliProcess.Result imported = paperboy(env(), "subscribers", "import", csv.toString(), "--confirmed");

        assertThat(added.exitCode()).isEqualTo(2);
        assertThat(added.err()).contains("erased@example.org was erased on request", "Nothing was added");
        assertThat(imported.exitCode()).isEqualTo(2);
        assertThat(paperboy(env(), "subscribers", "list", "--status", "active").out()).contains("0 subscribers");
    }

    @Test
    void templatesCheckPassesTheDefaultsAndNamesTheLineOfABrokenPage() throws Exception {
        CliProcess.Result fine = paperboy(env(), "templates", "check");
        assertThat(fine.exitCode()).as(fine.err()).isZero();
        assertThat(fine.out()).contains("templates OK: the digest with 25 papers, the confirmation email and the pages");

        Files.createDirectories(workDir.resolve("templates/pages"));
        Files.writeString(workDir.resolve("templates/pages/check-inbox.html"),
                "<html>\n<body>\n<p>\n<span th:text=\"${email.}\">x</span>\n</p>\n</body>\n</html>\n");
        Files.writeString(workDir.resolve("templates/confirm.txt"), "Welcome! No link here.\n");
        Files.writeString(workDir.resolve("templates/feed.xml"), "<feed>\n<title th:text=\"${listName.}\">x</title>\n</feed>\n");

        CliProcess.Result broken = paperboy(env(), "templates", "check");

        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).contains("templates/pages/check-inbox.html:4:").contains("templates/feed.xml:2:")
                .contains("error: confirm.txt: the confirm link (${confirmUrl}) is missing");
        assertThat(broken.out()).contains("templates check failed");
    }

    @Test
    void everyCommandHasHelp() throws Exception {
        for (String[] command : new String[][] {{"demo"}, {"serve"}, {"send"}, {"import"}, {"fetch"},
                {"papers", "trending"}, {"subscribers", "add"}, {"subscribers", "import"}, {"editions", "show"},
                {"preview"}, {"templates", "check"}, {"backup"}}) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(command), java.util.stream.Stream.of("--help"))
                    .toArray(String[]::new);
            CliProcess.Result result = paperboy(env(), args);
            assertThat(result.exitCode()).as(String.join(" ", command)).isZero();
            assertThat(result.out()).as(String.join(" ", command)).startsWith("Usage: paperboy " + String.join(" ", command));
        }
    }

    @Test
    void subscribersAddTakesTopicsAndATimeZoneAndABadZoneAddsNobody() throws Exception {
        CliProcess.Result bad = paperboy(env(), "subscribers", "add", "ada@example.org", "--timezone", "Mars/Olympus_Mons");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown time zone 'Mars/Olympus_Mons'", "Nothing was added");

        CliProcess.Result added = paperboy(env(), "subscribers", "add", "ada@example.org", "alan@example.org",
                "--confirmed", "--topics", "robot manipulation,diffusion", "--timezone", "Asia/Kolkata");
        assertThat(added.exitCode()).as(added.err()).isZero();

        List<String> exported = paperboy(env(), "subscribers", "export").out().lines().toList();
        assertThat(exported).hasSize(3);
        assertThat(exported.get(1)).startsWith("ada@example.org,active,daily,,,,robot manipulation;diffusion,Asia/Kolkata,");
        assertThat(exported.get(2)).startsWith("alan@example.org,active,daily,,,,robot manipulation;diffusion,Asia/Kolkata,");
    }

    @Test
    void importRankSubscribeSendAndReport() throws Exception {
        Path jsonl = workDir.resolve("papers.jsonl");
        Files.writeString(jsonl, """
                {"id": "2611.00001", "title": "Sparse Mixtures of Readers", "summary": "We read less.", "upvotes": 90, "github_stars": 300, "source_rank": 1}
                {"id": "2611.00002", "title": "Dense Retrieval Revisited", "summary": "We read more.", "upvotes": 40, "source_rank": 2}
                not json at all
                """);
        Path csv = workDir.resolve("list.csv");
        Files.writeString(csv, "name,email\nAda,ada@example.org\nAlan,\"alan@example.org\"\n");

        CliProcess.Result imported = paperboy(env(), "import", jsonl.toString());
        assertThat(imported.exitCode()).isZero();
        assertThat(imported.out()).contains("2 papers added, 0 updated, 1 problem");
        assertThat(imported.err()).contains("papers.jsonl:3");

        CliProcess.Result trending = paperboy(env(), "papers", "trending", "--limit", "5");
        assertThat(trending.exitCode()).isZero();
        assertThat(trending.out()).contains("1  ", "Sparse Mixtures of Readers", "90 upvotes", "300 GitHub stars");
        assertThat(trending.out().indexOf("Sparse")).isLessThan(trending.out().indexOf("Dense"));

        CliProcess.Result json = paperboy(env(), "papers", "trending", "--json");
        assertThat(json.out()).contains("\"rank\" : 1", "\"upvotes\" : 90");

        assertThat(paperboy(env(), "subscribers", "import", csv.toString(), "--confirmed").out())
                .contains("2 imported as active");
        CliProcess.Result bad = paperboy(env(), "subscribers", "add", "grace@example.org", "not-an-address");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("'not-an-address'", "Nothing was added");
        assertThat(paperboy(env(), "subscribers", "list").out()).contains("ada@example.org", "alan@example.org")
                .doesNotContain("grace@example.org").contains("2 subscribers");
        Path preview = workDir.resolve("preview.html");
        assertThat(paperboy(env(), "preview", "--subscriber", "ada@example.org", "--out", preview.toString()).exitCode())
                .isZero();
        assertThat(Files.readString(preview)).contains("unsubscribe?token=");
        assertThat(Files.getPosixFilePermissions(preview)).as("a subscriber's signed links are the owner's only")
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        CliProcess.Result sent = paperboy(env(), "send");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out()).contains("2 sent now, 0 deferred, 0 failed", "2 of 2 delivered");
        assertThat(greenMail.getReceivedMessages()).hasSize(2);

        CliProcess.Result again = paperboy(env(), "send");
        assertThat(again.out()).contains("0 sent now", "2 of 2 delivered");
        assertThat(greenMail.getReceivedMessages()).hasSize(2);

        assertThat(paperboy(env(), "editions", "list").out()).containsPattern("\\d{4}-\\d\\d-\\d\\d\\s+sent\\s+2\\s+2");
        assertThat(paperboy(env(), "subscribers", "export").out())
                .startsWith("email,status,").contains("ada@example.org,active,daily");
    }
}
