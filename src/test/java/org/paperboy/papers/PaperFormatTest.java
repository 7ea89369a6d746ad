package org.paperboy.papers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PaperFormatTest {

    @Test
    void acceptsEveryCommandLineNameIgnoringCase() {
        assertThat(PaperFormat.fromName("hf-json")).isEqualTo(PaperFormat.HF_JSON);
        assertThat(PaperFormat.fromName("arxiv-atom")).isEqualTo(PaperFormat.ARXIV_ATOM);
        assertThat(PaperFormat.fromName("JSONL")).isEqualTo(PaperFormat.JSONL);
        assertThat(PaperFormat.fromName(" seed-text ")).isEqualTo(PaperFormat.SEED_TEXT);
        assertThat(PaperFormat.fromName("auto")).isEqualTo(PaperFormat.AUTO);
    }

    @Test
    void unknownNameIsRejectedWithTheAcceptedNames() {
        assertThatThrownBy(() -> PaperFormat.fromName("csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown paper format 'csv'; accepted: hf-json, arxiv-atom, jsonl, seed-text, auto");
    }

    @Test
    void detectsTheFormatFromTheContent() {
        assertThat(PaperFormat.detect("daily.txt", "\uFEFF\n  [ {\"paper\": {}} ]".getBytes(UTF_8)))
                .isEqualTo(PaperFormat.HF_JSON);
        assertThat(PaperFormat.detect("query", "<?xml version=\"1.0\"?>\n<feed/>".getBytes(UTF_8)))
                .isEqualTo(PaperFormat.ARXIV_ATOM);
        assertThat(PaperFormat.detect("papers.json", "\n{\"id\": \"1\", \"title\": \"t\"}\n".getBytes(UTF_8)))
                .isEqualTo(PaperFormat.JSONL);
        assertThat(PaperFormat.detect("papers.jsonl", "Get trending papers\nSubscribeA title\n".getBytes(UTF_8)))
                .isEqualTo(PaperFormat.SEED_TEXT);
    }

    @Test
    void fallsBackToTheExtensionWhenTheContentSaysNothing() {
        assertThat(PaperFormat.detect("empty.jsonl", " \n".getBytes(UTF_8))).isEqualTo(PaperFormat.JSONL);
        assertThat(PaperFormat.detect("empty.json", new byte[0])).isEqualTo(PaperFormat.HF_JSON);
        assertThat(PaperFormat.detect("empty.atom", new byte[0])).isEqualTo(PaperFormat.ARXIV_ATOM);
        assertThat(PaperFormat.detect("empty", new byte[0])).isEqualTo(PaperFormat.SEED_TEXT);
    }
}
