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
 */
public record TrainingExample(long[] ids, int answerStart, List<PixelValues> images, List<float[]> presence,
        List<int[]> patchLabels) {

    public TrainingExample {
        if (answerStart < 1 || answerStart >= ids.length) {
            throw new IllegalArgumentException("answerStart " + answerStart + " must index an answer token within "
                    + ids.length + " ids");
        }
        if (images.size() != presence.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + presence.size() + " presence targets");
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
