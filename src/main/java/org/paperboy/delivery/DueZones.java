package org.paperboy.delivery;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Which readers an edition may reach now, by time zone, as a condition on {@code subscribers s}:
 * everyone (an operator's send), or the readers of the named zones and, when {@code unset},
 * those who chose no zone.
 */
public record DueZones(boolean everyone, boolean unset, List<String> names) {

    /** No condition: every reader due the edition by their frequency. */
    public static final DueZones EVERYONE = new DueZones(true, true, List.of());

    public DueZones {
        names = List.copyOf(names);
    }

    static DueZones of(boolean unset, List<String> names) {
        return new DueZones(false, unset, names);
    }

    /** Whether no reader at all is due. */
    public boolean nobody() {
        return !everyone && !unset && names.isEmpty();
    }

    /** The SQL condition, starting with {@code and}; its parameters are bound by {@link #bind}. */
    String sql() {
        if (everyone) {
            return "";
        }
        String in = names.isEmpty() ? null
                : "s.timezone in (" + String.join(",", java.util.Collections.nCopies(names.size(), "?")) + ")";
        if (unset) {
            return in == null ? " and s.timezone is null" : " and (s.timezone is null or " + in + ")";
        }
        return in == null ? " and 1 = 0" : " and " + in;
    }

    int bind(PreparedStatement ps, int i) throws SQLException {
        if (!everyone) {
            for (String name : names) {
                ps.setString(i++, name);
            }
        }
        return i;
    }
}
