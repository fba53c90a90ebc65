package dev.vscan.training;

import dev.vscan.model.image.PixelValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Lays examples with the same image count out as one {@link TrainingBatch}. */
public final class BatchAssembler {

    private final long imageTokenId;
    private final int visualTokensPerImage;
    private final long padId;

    public BatchAssembler(long imageTokenId, int visualTokensPerImage, long padId) {
        this.imageTokenId = imageTokenId;
        this.visualTokensPerImage = visualTokensPerImage;
        this.padId = padId;
    }

    public TrainingBatch assemble(List<TrainingExample> examples) {
        int batch = examples.size();
        int images = examples.get(0).images().size();
        List<List<long[]>> split = new ArrayList<>();
        for (TrainingExample example : examples) {
            if (example.images().size() != images) {
                throw new IllegalArgumentException("a batch mixes " + images + "- and " + example.images().size()
                        + "-image examples");
            }
            split.add(splitAtImages(example.ids(), images));
        }
        List<long[][]> segments = new ArrayList<>();
        int expanded = 0;
        for (int s = 0; s <= images; s++) {
            int length = 0;
            for (List<long[]> parts : split) {
                int own = parts.get(s).length;
                if (s < images && length != 0 && own != length) {
                    throw new IllegalArgumentException("text before image " + s + " differs in length across the batch");
                }
                length = Math.max(length, own);
            }
            long[][] ids = new long[batch][length];
            for (int b = 0; b < batch; b++) {
                Arrays.fill(ids[b], padId);
                long[] own = split.get(b).get(s);
                System.arraycopy(own, 0, ids[b], 0, own.length);
            }
            segments.add(ids);
            expanded += length + (s < images ? visualTokensPerImage : 0);
        }
        long[][] targets = new long[batch][expanded];
        float[][] weights = new float[batch][expanded];
        List<PixelValues> pixels = new ArrayList<>();
        float[][] presence = new float[batch * images][];
        long[][] patchLabels = new long[batch * images][];
        for (int b = 0; b < batch; b++) {
            TrainingExample example = examples.get(b);
            long[] ids = example.ids();
            for (int i = example.answerStart(); i < ids.length; i++) {
                // An id after the last image token sits (visual tokens - 1) further along per image.
                int position = i + images * (visualTokensPerImage - 1);
                targets[b][position - 1] = ids[i];
                weights[b][position - 1] = example.answerWeight();
            }
            for (int j = 0; j < images; j++) {
                pixels.add(example.images().get(j));
                presence[b * images + j] = example.presence().get(j);
                patchLabels[b * images + j] = Arrays.stream(example.patchLabels().get(j)).asLongStream().toArray();
            }
        }
        return new TrainingBatch(batch, images, segments, targets, weights, pixels, presence, patchLabels);
    }

    private List<long[]> splitAtImages(long[] ids, int images) {
        List<long[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == imageTokenId) {
                parts.add(Arrays.copyOfRange(ids, start, i));
                start = i + 1;
            }
        }
        parts.add(Arrays.copyOfRange(ids, start, ids.length));
        if (parts.size() != images + 1) {
            throw new IllegalArgumentException("prompt has " + (parts.size() - 1) + " image tokens for " + images + " images");
        }
        return parts;
    }
}
