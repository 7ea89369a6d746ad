package org.paperboy.config;

/**
 * A setting that cannot be used. The message is one line naming the key, the value and what
 * is accepted; the command line turns it into exit code 2.
 */
public final class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String value, String accepted) {
        super(key + "=" + quote(value) + " is not valid: expected " + accepted);
        this.key = key;
    }

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }

    private static String quote(String value) {
        if (value == null) {
            return "(unset)";
        }
        String shown = value.length() > 80 ? value.substring(0, 77) + "..." : value;
        return "'" + shown + "'";
    }
}
