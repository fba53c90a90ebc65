package dev.vscan.training;

import dev.vscan.model.image.PixelValues;
import java.util.List;

/**
 * Examples with the same number of images laid out side by side: the text between images is equally long
 * in every example (the template fixes it), the text after the last image is right-padded. Position p of
 * the expanded sequence is trained to predict {@code targets[b][p]} where {@code weights[b][p]} is 1.
 *
 * @param segments text ids before image 0, between images, and after the last image: [segment][B][len]
 * @param pixels   images example-major (example b, image j at b * imagesPerExample + j)
 * @param presence the [CLS] auxiliary targets, in the order of {@code pixels}
 * @param patchLabels the patch head's targets, in the order of {@code pixels}
 */
public record TrainingBatch(int batchSize, int imagesPerExample, List<long[][]> segments, long[][] targets,
        float[][] weights, List<PixelValues> pixels, float[][] presence, long[][] patchLabels) {

    public TrainingBatch {
        if (segments.size() != imagesPerExample + 1) {
            throw new IllegalArgumentException(segments.size() + " text segments for " + imagesPerExample + " images");
        }
        segments = List.copyOf(segments);
        pixels = List.copyOf(pixels);
    }

    public int sequenceLength() {
        return targets[0].length;
    }
}
