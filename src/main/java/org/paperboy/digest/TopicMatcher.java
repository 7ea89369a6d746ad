package org.paperboy.digest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.paperboy.papers.Paper;
import org.paperboy.papers.RankedPaper;

/**
 * Scores an edition's candidate papers against a reader's topics with Lucene: an in-memory index
 * of the candidates, BM25 over title, abstract, AI summary, keywords, authors and category, the
 * English analyzer (so "robots" finds "robot"). A topic matches a paper that has all of its words
 * in any of those fields; the words as a phrase (a little slop allowed) score twice as high.
 *
 * <p>Each distinct topic is searched once per edition and the hits kept (a few numbers per
 * matching paper): readers share topics far more than they share topic sets.
 */
public final class TopicMatcher {

    /** Fields and their weights: a topic in the title or keywords says more than one in the abstract. */
    private static final Map<String, Float> FIELDS = Map.of(
            "title", 3f, "abstract", 1f, "ai_summary", 1f, "keywords", 2f, "authors", 1f, "category", 1f);
    /** Words of a multi-word topic may stand this far apart and still count as the phrase. */
    static final int PHRASE_SLOP = 2;
    static final float PHRASE_BOOST = 2f;

    private final Analyzer analyzer = new EnglishAnalyzer();
    private final IndexSearcher searcher;
    private final int size;
    private final Map<String, Hits> byTopic = new ConcurrentHashMap<>();

    /** The hits of one topic: positions in the candidate list and their BM25 scores, best first. */
    record Hits(int[] positions, float[] scores) {
        static final Hits NONE = new Hits(new int[0], new float[0]);
    }

    /** Indexes {@code candidates}; hits refer to their positions in this list. */
    public TopicMatcher(List<RankedPaper> candidates) {
        this.size = candidates.size();
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzer))) {
            for (int i = 0; i < candidates.size(); i++) {
                writer.addDocument(document(i, candidates.get(i).paper()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot index the candidate papers", e);
        }
        try {
            this.searcher = new IndexSearcher(DirectoryReader.open(directory));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the index of candidate papers", e);
        }
    }

    private static Document document(int position, Paper paper) {
        Document doc = new Document();
        doc.add(new StoredField("position", position));
        add(doc, "title", paper.title());
        add(doc, "abstract", paper.summary());
        add(doc, "ai_summary", paper.aiSummary());
        add(doc, "keywords", String.join(", ", paper.keywords()));
        add(doc, "authors", String.join(", ", paper.authors()));
        add(doc, "category", paper.category());
        return doc;
    }

    private static void add(Document doc, String field, String value) {
        if (value != null && !value.isBlank()) {
            doc.add(new TextField(field, value, Field.Store.NO));
        }
    }

    /** How many candidates the index holds. */
    public int size() {
        return size;
    }

    /** The candidates {@code topic} matches, searched once per distinct topic (case and spacing aside). */
    Hits hits(String topic) {
        return byTopic.computeIfAbsent(normalise(topic), this::search);
    }

    static String normalise(String topic) {
        return topic.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private Hits search(String topic) {
        Query query = query(topic);
        if (query == null) {
            return Hits.NONE;
        }
        try {
            ScoreDoc[] docs = searcher.search(query, Math.max(1, size)).scoreDocs;
            int[] positions = new int[docs.length];
            float[] scores = new float[docs.length];
            for (int i = 0; i < docs.length; i++) {
                positions[i] = searcher.storedFields().document(docs[i].doc).getField("position").numericValue().intValue();
                scores[i] = docs[i].score;
            }
            return new Hits(positions, scores);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search the candidate papers", e);
        }
    }

    /** All words of the topic, each in any field; the phrase as a bonus. Null when no word is left after analysis. */
    Query query(String topic) {
        List<String> words = analyse(topic);
        if (words.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        for (String word : words) {
            List<Query> perField = new ArrayList<>();
            FIELDS.forEach((field, boost) -> perField.add(new BoostQuery(new TermQuery(new Term(field, word)), boost)));
            all.add(new DisjunctionMaxQuery(perField, 0.1f), BooleanClause.Occur.MUST);
        }
        if (words.size() > 1) {
            List<Query> phrases = new ArrayList<>();
            FIELDS.forEach((field, boost) -> phrases.add(new BoostQuery(
                    new PhraseQuery(PHRASE_SLOP, field, words.toArray(String[]::new)), boost)));
            all.add(new BoostQuery(new DisjunctionMaxQuery(phrases, 0.1f), PHRASE_BOOST), BooleanClause.Occur.SHOULD);
        }
        return all.build();
    }

    private List<String> analyse(String text) {
        List<String> words = new ArrayList<>();
        try (TokenStream tokens = analyzer.tokenStream("title", text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                words.add(term.toString());
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return words;
    }
}
