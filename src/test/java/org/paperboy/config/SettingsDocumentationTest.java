package org.paperboy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/configuration.md and .env.example list every setting, and name none that does not exist. */
class SettingsDocumentationTest {

    private static final Pattern NAME = Pattern.compile("PAPERBOY_[A-Z0-9_]*[A-Z0-9](_\\*)?");

    private static final Set<String> KEYS = Arrays.stream(SettingKey.values()).map(SettingKey::envName)
            .collect(Collectors.toCollection(TreeSet::new));

    @ParameterizedTest
    @ValueSource(strings = {"docs/configuration.md", ".env.example"})
    void everySettingIsListed(String file) throws Exception {
        String text = Files.readString(Path.of(file));
        Set<String> missing = new TreeSet<>();
        for (SettingKey key : SettingKey.values()) {
            String row = file.endsWith(".md") ? "| `" + key.envName() + "` |" : key.envName() + "=" + key.defaultValue();
            if (!text.contains(row)) {
                missing.add(key.envName());
            }
        }
        assertThat(missing).as("settings missing from %s", file).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"docs/configuration.md", ".env.example", "README.md", "docs/operating.md",
            "docs/delivery.md", "docs/security.md", "docs/web.md", "docs/api.md", "docs/papers-and-digest.md",
            "docs/templates.md", "docs/benchmarks.md", "docs/development.md", "docs/sending.md",
            "ops/paperboy.service", "ops/nginx-paperboy.conf", "config/paperboy.yml"})
    void noDocumentNamesASettingThatDoesNotExist(String file) throws Exception {
        Set<String> unknown = new TreeSet<>();
        Matcher m = NAME.matcher(Files.readString(Path.of(file)));
        while (m.find()) {
            String name = m.group();
            boolean known = name.endsWith("_*")
                    ? KEYS.stream().anyMatch(k -> k.startsWith(name.substring(0, name.length() - 1)))
                    : KEYS.contains(name);
            if (!known) {
                unknown.add(name);
            }
        }
        assertThat(unknown).as("names in %s that are not settings", file).isEmpty();
    }
}
