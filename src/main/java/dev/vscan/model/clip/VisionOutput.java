package dev.vscan.model.clip;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * What the vision tower hands on.
 *
 * @param features     [images, patches, width] hidden states of the feature layer ([CLS] dropped
 *                     under the "default" strategy)
 * @param clsAttention layer index (0-based) to [images, patches]: the head-mean attention of the
 *                     [CLS] query to each patch, for the layers that were asked for
 */
public record VisionOutput(NDArray features, Map<Integer, NDArray> clsAttention) {}
