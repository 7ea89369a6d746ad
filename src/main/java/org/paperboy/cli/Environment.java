package org.paperboy.cli;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.paperboy.Paperboy;
import org.paperboy.config.SettingKey;
import org.paperboy.config.Settings;
import org.paperboy.config.SettingsLoader;
import org.slf4j.LoggerFactory;

/** Where commands get their settings and their Paperboy: the process environment and the working directory. */
final class Environment {

    private Environment() {
    }

    static Settings settings() {
        return settings(Map.of());
    }

    static Settings settings(Map<SettingKey, String> overrides) {
        Settings settings = SettingsLoader.load(System.getenv(), Path.of("").toAbsolutePath(), overrides);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.paperboy"))
                .setLevel(Level.toLevel(settings.logLevel(), Level.INFO));
        return settings;
    }

    static Paperboy open() {
        return Paperboy.open(settings(), Clock.systemUTC());
    }
}
