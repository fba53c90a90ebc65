package dev.vscan.model.config;

import java.util.List;

/**
 * A LLaVA-NeXT checkpoint's config.json ({@code model_type} {@code llava_next}): the LLaVA parts (CLIP
 * tower, projector, Llama or Mistral decoder) and the AnyRes grid resolutions.
 *
 * @param base       what LLaVA-1.5 also has; its image token and feature layer settings apply per crop
 * @param pinpoints  {@code image_grid_pinpoints} as {height, width}
 */
public record LlavaNextConfig(LlavaConfig base, List<int[]> pinpoints) {

    public LlavaNextConfig {
        if (pinpoints.isEmpty()) {
            throw new IllegalArgumentException("image_grid_pinpoints is empty");
        }
        for (int[] p : pinpoints) {
            if (p.length != 2 || p[0] <= 0 || p[1] <= 0) {
                throw new IllegalArgumentException("image_grid_pinpoints entries must be [height, width] of positive"
                        + " sizes, got " + java.util.Arrays.toString(p));
            }
        }
        pinpoints = pinpoints.stream().map(int[]::clone).toList();
    }

    @Override
    public List<int[]> pinpoints() {
        return pinpoints.stream().map(int[]::clone).toList();
    }
}
