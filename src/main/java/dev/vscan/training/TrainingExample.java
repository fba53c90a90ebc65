package dev.vscan.training;

import dev.vscan.model.image.PixelValues;
import java.util.List;

/**
 * One question as the model is trained on it.
 *
 * @param ids         the prompt (one image token per image) followed by the answer tokens and {@code </s>}
 * @param answerStart index in {@code ids} of the first answer token; the loss covers answerStart..end
 * @param images      preprocessed pixels, one per image token, in order
 * @param presence    per image, the multi-hot target of the [CLS] auxiliary head
 * @param patchLabels per image, the {@link PatchLabeller} class of every patch (target of the patch head)
 * @param answerWeight weight of each answer token in the answer loss (long captions count less per token)
 */
public record TrainingExample(long[] ids, int answerStart, List<PixelValues> images, List<float[]> presence,
        List<int[]> patchLabels, float answerWeight) {

    /** An example whose answer tokens have weight 1. */
    public TrainingExample(long[] ids, int answerStart, List<PixelValues> images, List<float[]> presence,
            List<int[]> patchLabels) {
        this(ids, answerStart, images, presence, patchLabels, 1f);
    }

    public TrainingExample {
        if (answerStart < 1 || answerStart >= ids.length) {
            throw new IllegalArgumentException("answerStart " + answerStart + " must index an answer token within "
                    + ids.length + " ids");
        }
        if (images.size() != presence.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + presence.size() + " presence targets");
        }
        if (!(answerWeight > 0) || Float.isInfinite(answerWeight)) {
            throw new IllegalArgumentException("answer weight must be finite and positive, got " + answerWeight);
        }
        ids = ids.clone();
        images = List.copyOf(images);
        presence = List.copyOf(presence);
        patchLabels = List.copyOf(patchLabels);
        if (patchLabels.size() != images.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + patchLabels.size() + " patch labellings");
        }
    }
}
