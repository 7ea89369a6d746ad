package org.paperboy.digest;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * A value as digest templates read it: its fields by name ({@code paper.title}), absent ones null.
 * A map, not the record itself: the template engine reads a map's entries directly, where each
 * read of a record's accessor is a reflective call it vets first, a few hundred times per digest.
 */
final class TemplateValues {

    private TemplateValues() {
    }

    /** The map of {@code namesAndValues}: a name, then its value (null allowed), and so on. */
    static Map<String, Object> of(Object... namesAndValues) {
        Map<String, Object> values = new HashMap<>(namesAndValues.length);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(values);
    }
}
