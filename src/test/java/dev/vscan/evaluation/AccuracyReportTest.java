package dev.vscan.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccuracyReportTest {

    private static final List<MethodResult> RESULTS = List.of(
            new MethodResult("none", "reference", 1.0, 12, 0.75, Map.of("colour", 1.0, "count", 0.5), 40.0, 256, ""),
            new MethodResult("vscan", "reference", 1 / 3.0, 12, 0.5, Map.of("colour", 0.5, "count", 0.5), 15.25, 85, ""),
            new MethodResult("fastv", "reference", 1 / 9.0, 12, 0.25, Map.of("colour", 0.5, "count", 0.0), 20.0, 142,
                    "keeps 28 tokens after layer 2"),
            new MethodResult("vscan", "original", 1 / 3.0, 12, 0.75, Map.of("colour", 1.0, "count", 0.5), 15.0, 85, ""));

    @Test
    void jsonListsEveryResultWithTheFieldsTheDocsUse() throws Exception {
        JsonNode root = new ObjectMapper().readTree(new AccuracyReport("m", 7, RESULTS).json());

        assertEquals(12, root.get("questions").asInt());
        JsonNode vscan = root.get("results").get(1);
        assertEquals("vscan", vscan.get("method").asText());
        assertEquals("reference", vscan.get("positions").asText());
        assertEquals(0.3333, vscan.get("budget_fraction").asDouble(), 1e-9);
        assertEquals(0.5, vscan.get("accuracy").asDouble(), 1e-9);
        assertEquals(0.5, vscan.get("accuracy_by_family").get("count").asDouble(), 1e-9);
        assertEquals(15.25, vscan.get("prefill_ms").asDouble(), 1e-9);
        assertFalse(vscan.has("note"));
        assertEquals("keeps 28 tokens after layer 2", root.get("results").get(2).get("note").asText());
        assertEquals("original", root.get("results").get(3).get("positions").asText());
        assertEquals("vscan", root.get("results").get(3).get("method").asText());
    }

    @Test
    void markdownHasOneRowPerResultAndMarksFallbacks() {
        String table = new AccuracyReport("m", 7, RESULTS).markdown(List.of("colour", "count"));

        assertTrue(table.contains("| vscan | 33% | 85.0 | 50.0% | 50.0% | 50.0% | 15.3 |"), table);
        assertTrue(table.contains("| fastv | 11% | 142.0 | 25.0% | 50.0% | 0.0% | 20.0 | *"), table);
        assertTrue(table.contains("| vscan (orig. pos.) | 33% | 85.0 | 75.0% |"), table);
        assertEquals(2 + 4, table.lines().count());
    }

    @Test
    void plotIsAPng(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("accuracy.png");

        new AccuracyReport("m", 7, RESULTS).plot(file);

        assertEquals(900, ImageIO.read(file.toFile()).getWidth());
        assertTrue(Files.size(file) > 2000);
    }
}
