package dev.vscan.model.extension;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * One image as the vision tower left it.
 *
 * @param features     [patches, visionWidth] feature-layer hidden states, raster order
 * @param clsAttention vision layer index to [patches] head-mean [CLS] attention, for the layers the
 *                     reducer asked for
 * @param gridHeight   patch rows
 * @param gridWidth    patch columns
 */
public record ImageFeatures(NDArray features, Map<Integer, NDArray> clsAttention, int gridHeight, int gridWidth) {

    public int patches() {
        return gridHeight * gridWidth;
    }
}
