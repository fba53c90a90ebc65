package dev.vscan.model.qwen;

import dev.vscan.model.llama.RopePositions;
import java.util.List;

/**
 * Qwen2.5-VL's 3-D rotary positions (transformers' {@code get_rope_index} for images): text tokens
 * count up on all three streams; an image's merged token at row y, column x of its grid stands at
 * (s, s + y, s + x), s being the position the image's first token would have had; the text after an
 * image continues at the image's largest position + 1. Ids are computed on the full image and kept
 * tokens keep theirs, so a token dropped by stage 1 leaves a gap rather than shifting the rest.
 */
public final class MRopePositions {

    private MRopePositions() {
    }

    /**
     * Positions of the prompt with each image's placeholder replaced by its kept merged tokens.
     *
     * @param promptIds     token ids with one {@code placeholderId} per image
     * @param placeholderId {@code <|image_pad|>}
     * @param grids         per image, its merged grid as {rows, columns}
     * @param kept          per image, the raster indices of its kept merged tokens, ascending
     */
    public static RopePositions forPrompt(long[] promptIds, long placeholderId, List<int[]> grids, List<int[]> kept) {
        if (grids.size() != kept.size()) {
            throw new IllegalArgumentException(grids.size() + " image grids but " + kept.size() + " kept-token lists");
        }
        int length = promptIds.length;
        for (int[] k : kept) {
            length += k.length - 1;
        }
        long[][] streams = new long[3][length];
        long next = 0;
        int image = 0;
        int t = 0;
        for (long id : promptIds) {
            if (id != placeholderId) {
                for (long[] stream : streams) {
                    stream[t] = next;
                }
                t++;
                next++;
                continue;
            }
            if (image == grids.size()) {
                throw new IllegalArgumentException("the prompt has more image placeholders than the " + grids.size()
                        + " images given");
            }
            int rows = grids.get(image)[0];
            int columns = grids.get(image)[1];
            int previous = -1;
            for (int index : kept.get(image)) {
                if (index <= previous || index >= rows * columns) {
                    throw new IllegalArgumentException("kept token " + index + " of image " + image
                            + " is out of order or outside its " + rows + "x" + columns + " grid");
                }
                previous = index;
                streams[0][t] = next;
                streams[1][t] = next + index / columns;
                streams[2][t] = next + index % columns;
                t++;
            }
            next += Math.max(rows, columns);
            image++;
        }
        if (image != grids.size()) {
            throw new IllegalArgumentException("the prompt has " + image + " image placeholders but " + grids.size()
                    + " images were given");
        }
        return new RopePositions(streams);
    }

    /** Every merged token of every image kept: the positions transformers gives the full prompt. */
    public static RopePositions forPrompt(long[] promptIds, long placeholderId, List<int[]> grids) {
        return forPrompt(promptIds, placeholderId, grids, grids.stream().map(g -> all(g[0] * g[1])).toList());
    }

    private static int[] all(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }
}
