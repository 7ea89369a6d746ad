package org.paperboy.store;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The subscriber's mailbox key: the address lower-cased, computed by the database and unique, so
 * that {@code Ada@x.org} and {@code ADA@x.org} can never be two rows (V10 merged those that were).
 * A generated column rather than an index on {@code lower(email)}: H2 indexes columns only, and
 * the two databases spell a generated column differently, hence Java rather than a script.
 */
final class V11__Subscriber_mailbox_key extends BaseJavaMigration {

    private final Database.Vendor vendor;

    V11__Subscriber_mailbox_key(Database.Vendor vendor) {
        this.vendor = vendor;
    }

    @Override
    public Integer getChecksum() {
        return 11;
    }

    @Override
    public void migrate(Context context) throws Exception {
        String stored = vendor == Database.Vendor.POSTGRESQL ? " stored" : "";
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute("alter table subscribers add column email_lower varchar(320)"
                    + " generated always as (lower(email))" + stored);
            statement.execute("create unique index subscribers_email_lower_key on subscribers (email_lower)");
        }
    }
}
