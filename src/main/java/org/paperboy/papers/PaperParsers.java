package org.paperboy.papers;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** One parser per concrete format, sharing a strict JSON reader. */
final class PaperParsers {

    private final HfDailyPapersParser hfJson;
    private final ArxivAtomParser arxivAtom = new ArxivAtomParser();
    private final JsonlPaperParser jsonl;
    private final SeedTextParser seedText = new SeedTextParser();

    PaperParsers() {
        // Trailing garbage and repeated keys are mistakes in hand-written files; say so.
        ObjectMapper json = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.hfJson = new HfDailyPapersParser(json);
        this.jsonl = new JsonlPaperParser(json);
    }

    HfDailyPapersParser hfJson() {
        return hfJson;
    }

    ArxivAtomParser arxivAtom() {
        return arxivAtom;
    }

    /** The parser for {@code format}, detecting the format from the content when it is AUTO. */
    PaperParser forContent(PaperFormat format, String fileName, byte[] content) {
        PaperFormat concrete = format == PaperFormat.AUTO ? PaperFormat.detect(fileName, content) : format;
        return switch (concrete) {
            case HF_JSON -> hfJson;
            case ARXIV_ATOM -> arxivAtom;
            case JSONL -> jsonl;
            case SEED_TEXT, AUTO -> seedText;
        };
    }
}
