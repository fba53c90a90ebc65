package dev.vscan.model.extension;

import ai.djl.ndarray.NDArray;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Stage-1 extension point: turns one image's vision features into the tokens the LLM sees. */
public interface VisualTokenReducer {

    /** Keeps every patch: the plain LLaVA behaviour. */
    VisualTokenReducer NONE = (image, projector) -> {
        int[] all = new int[image.patches()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return new ReducedImage(projector.apply(image.features()), all);
    };

    /** Vision layers (0-based) whose [CLS] attention rows {@link #reduce} reads. */
    default Set<Integer> attentionLayers(int visionLayersRun) {
        return Set.of();
    }

    /**
     * @param projector the model's multimodal projector ([n, visionWidth] to [n, textWidth]), so a
     *                  method can merge either before or after it
     */
    ReducedImage reduce(ImageFeatures image, UnaryOperator<NDArray> projector);
}
