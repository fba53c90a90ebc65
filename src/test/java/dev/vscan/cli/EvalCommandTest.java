package dev.vscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {

    @Test
    void jsonHasOneResultPerMethodAndBudget() throws Exception {
        MainTest.Result result = MainTest.run("eval", "--model", TestModels.tinyCheckpoint().toString(), "--questions", "6",
                "--methods", "none,vscan,fastv", "--fractions", "0.5,0.25", "--json");

        assertEquals(0, result.status(), result.err());
        JsonNode root = new ObjectMapper().readTree(result.out());
        assertEquals(6, root.get("questions").asInt(), "one question per family");
        JsonNode results = root.get("results");
        assertEquals(1 + 2 + 2, results.size());
        assertEquals("none", results.get(0).get("method").asText());
        assertEquals(1.0, results.get(0).get("budget_fraction").asDouble());
        JsonNode vscan = results.get(1);
        assertEquals("vscan", vscan.get("method").asText());
        assertEquals(0.5, vscan.get("budget_fraction").asDouble());
        assertEquals(6, vscan.get("accuracy_by_family").size());
        double accuracy = vscan.get("accuracy").asDouble();
        assertTrue(accuracy >= 0 && accuracy <= 1);
        assertTrue(vscan.get("prefill_ms").asDouble() > 0);
        // 64 tokens per image: vscan at 50 % keeps 32 on average over the decoder layers.
        assertEquals(32, vscan.get("mean_visual_tokens").asDouble(), 0.6);
    }

    @Test
    void badMethodNamesAreRefusedWithTheValidOnes() {
        MainTest.Result result = MainTest.run("eval", "--model", TestModels.tinyCheckpoint().toString(), "--methods",
                "vscan,zipvision");

        assertEquals(Main.BAD_INPUT, result.status());
        assertTrue(result.err().contains("zipvision") && result.err().contains("visionzip"), result.err());
    }

    @Test
    void samplesWritesImagesAndATable(@TempDir Path out) throws Exception {
        MainTest.Result result = MainTest.run("samples", "--model", TestModels.tinyCheckpoint().toString(), "--out",
                out.toString(), "--per-family", "1");

        assertEquals(0, result.status(), result.err());
        String table = Files.readString(out.resolve("README.md"));
        assertEquals(6, table.lines().filter(l -> l.startsWith("| ![](")).count());
        assertTrue(Files.exists(out.resolve("06-compare-2.png")));
    }
}
