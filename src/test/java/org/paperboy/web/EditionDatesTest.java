package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.testing.PostgresDatabase;

/** Dates typed into URLs reach the database only when every database can hold them. */
class EditionDatesTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    @Test
    void aDateBeyondWhatPostgresHoldsIsNotFoundNotAServerError() throws Exception {
        try (PostgresDatabase postgres = new PostgresDatabase();
             WebHarness web = WebHarness.start(dir, greenMail, WebLimits.DEFAULT, Map.of("DB_URL", postgres.url(),
                     "DB_USER", PostgresDatabase.USER, "DB_PASSWORD", ""))) {
            java.util.List<String> answers = new java.util.ArrayList<>();
            for (String date : new String[] {"+999999999-12-31", "-999999999-01-01", "+10000-01-01", "+5874898-01-01"}) {
                answers.add(date + " " + web.get("/editions/" + date).statusCode() + " "
                        + web.api("GET", "/api/editions/" + date, null).statusCode() + " "
                        + web.api("GET", "/preview?date=" + date.replace("+", "%2B"), null).statusCode());
            }
            assertThat(answers).containsExactly("+999999999-12-31 404 400 400", "-999999999-01-01 404 400 400",
                    "+10000-01-01 404 400 400", "+5874898-01-01 404 400 400");
            assertThat(web.get("/editions/2026-11-26").statusCode()).isEqualTo(404);
        }
    }
}
