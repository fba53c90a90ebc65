package dev.vscan.model.next;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaNextConfig;
import dev.vscan.model.image.AnyResLayout;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packed token order of a LLaVA-NeXT image against the llava-next-reference fixture. */
class FeaturePackingTest {

    private static Path fixture() throws URISyntaxException {
        return Path.of(FeaturePackingTest.class.getResource("/llava-next-reference/config.json").toURI()).getParent();
    }

    @Test
    void everyTokenComesFromWhereTheReferenceSays() throws IOException, URISyntaxException {
        Path dir = fixture();
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        LlavaNextConfig config = ConfigLoader.loadNext(dir);
        AnyResLayout layout = AnyResLayout.of(160, 250, config.pinpoints(), 112);
        FeaturePacking packing = FeaturePacking.of(layout, 8);
        JsonNode sources = expected.get("visual_token_sources");
        assertEquals(sources.size(), packing.tokens());
        for (int t = 0; t < sources.size(); t++) {
            assertEquals(sources.get(t).get(0).asInt(), packing.crops()[t], "crop of token " + t);
            assertEquals(sources.get(t).get(1).asInt(), packing.patches()[t], "patch of token " + t);
        }
        assertEquals(10, packing.newlines());
    }

    @Test
    void thePackedLengthIsTheProcessorsTokenCountForEverySize() throws URISyntaxException {
        List<int[]> pinpoints = ConfigLoader.loadNext(fixture()).pinpoints();
        // The published llava-v1.6 grid too: 336-px tiles of 24 x 24 patches.
        List<int[]> published = List.of(new int[] {336, 672}, new int[] {672, 336}, new int[] {672, 672},
                new int[] {1008, 336}, new int[] {336, 1008});
        int checked = 0;
        for (int height = 1; height <= 1200; height += 37) {
            for (int width = 1; width <= 1200; width += 41) {
                AnyResLayout small = AnyResLayout.of(height, width, pinpoints, 112);
                assertEquals(processorCount(height, width, pinpoints, 112, 14), FeaturePacking.of(small, 8).tokens(),
                        height + "x" + width);
                AnyResLayout large = AnyResLayout.of(height, width, published, 336);
                assertEquals(processorCount(height, width, published, 336, 14), FeaturePacking.of(large, 24).tokens(),
                        height + "x" + width);
                checked++;
            }
        }
        assertEquals(33 * 30, checked);
    }

    /**
     * LlavaNextProcessor's count, written out again on its own (select_best_resolution, then
     * _get_unpadded_features, then the base crop's tokens; "default" strategy, so no [CLS]).
     */
    private static int processorCount(int h, int w, List<int[]> pinpoints, int crop, int patch) {
        int bestH = 0;
        int bestW = 0;
        double bestEffective = -1;
        double bestWasted = Double.MAX_VALUE;
        for (int[] p : pinpoints) {
            double scale = Math.min(p[1] / (double) w, p[0] / (double) h);
            double effective = Math.min(Math.floor(w * scale) * Math.floor(h * scale), (double) w * h);
            double wasted = (double) p[0] * p[1] - effective;
            if (effective > bestEffective || effective == bestEffective && wasted < bestWasted) {
                bestH = p[0];
                bestW = p[1];
                bestEffective = effective;
                bestWasted = wasted;
            }
        }
        int side = crop / patch;
        int currentH = side * (bestH / crop);
        int currentW = side * (bestW / crop);
        if ((double) w / h > (double) currentW / currentH) {
            int newH = (int) new java.math.BigDecimal(h * ((double) currentW / w))
                    .setScale(7, java.math.RoundingMode.HALF_EVEN).doubleValue();
            currentH -= 2 * ((currentH - newH) / 2);
        } else {
            int newW = (int) new java.math.BigDecimal(w * ((double) currentH / h))
                    .setScale(7, java.math.RoundingMode.HALF_EVEN).doubleValue();
            currentW -= 2 * ((currentW - newW) / 2);
        }
        return currentH * currentW + currentH + side * side;
    }
}
