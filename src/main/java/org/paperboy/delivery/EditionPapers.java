package org.paperboy.delivery;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.paperboy.digest.PaperChooser;
import org.paperboy.papers.Paper;
import org.paperboy.papers.PaperRepository;
import org.paperboy.papers.RankedPaper;

/** The rankings frozen into an edition, with their papers loaded. */
public final class EditionPapers {

    private final EditionRepository editions;
    private final PaperRepository papers;
    private final SelectionRepository selections;

    public EditionPapers(EditionRepository editions, PaperRepository papers, SelectionRepository selections) {
        this.editions = editions;
        this.papers = papers;
        this.selections = selections;
    }

    /** The papers of one stored selection, as its readers received them; empty when there is no such selection. */
    public List<RankedPaper> selection(long selectionId, Map<Edition.Selection, List<RankedPaper>> rankings) {
        SelectionRepository.Stored stored = selections.find(selectionId);
        if (stored == null) {
            return List.of();
        }
        return PaperChooser.rebuild(rankings.getOrDefault(stored.ranking(), List.of()), stored.entries());
    }

    public Map<Edition.Selection, List<RankedPaper>> rankings(Edition edition) {
        Map<Edition.Selection, List<EditionRepository.EditionPaper>> frozen = editions.papers(edition.id());
        List<Long> ids = new ArrayList<>();
        frozen.values().forEach(list -> list.forEach(p -> ids.add(p.paperId())));
        Map<Long, Paper> byId = new HashMap<>();
        for (Paper p : papers.byIds(ids.stream().distinct().toList())) {
            byId.put(p.id(), p);
        }
        Map<Edition.Selection, List<RankedPaper>> result = new EnumMap<>(Edition.Selection.class);
        frozen.forEach((selection, list) -> result.put(selection, list.stream()
                .filter(p -> byId.containsKey(p.paperId()))
                .map(p -> new RankedPaper(p.position(), byId.get(p.paperId()), p.score(), p.reason()))
                .toList()));
        return result;
    }
}
