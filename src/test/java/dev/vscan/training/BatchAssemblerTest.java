package dev.vscan.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vscan.model.image.PixelValues;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchAssemblerTest {

    private static final long IMAGE = 3;
    private static final PixelValues PIXELS = new PixelValues(3, 2, 2, new float[12]);

    @Test
    void answerTokensAreTargetsOfThePositionBeforeThemOnceTheImageIsExpanded() {
        // <s> USER <image> q q ANSWER </s>, with 4 visual tokens per image.
        TrainingExample shortOne = new TrainingExample(new long[] {1, 5, IMAGE, 6, 7, 8, 2}, 5, List.of(PIXELS),
                List.of(new float[] {1, 0}), List.of(new int[] {0, 5, 0, 0}));
        TrainingExample longOne = new TrainingExample(new long[] {1, 5, IMAGE, 6, 7, 7, 9, 9, 2}, 6, List.of(PIXELS),
                List.of(new float[] {0, 1}), List.of(new int[] {0, 0, 7, 0}));

        TrainingBatch batch = new BatchAssembler(IMAGE, 4, 0).assemble(List.of(shortOne, longOne));

        assertEquals(2, batch.segments().size());
        assertArrayEquals(new long[] {1, 5}, batch.segments().get(0)[0]);
        assertArrayEquals(new long[] {6, 7, 8, 2, 0, 0}, batch.segments().get(1)[0], "right-padded with the pad id");
        assertArrayEquals(new long[] {6, 7, 7, 9, 9, 2}, batch.segments().get(1)[1]);
        assertEquals(2 + 4 + 6, batch.sequenceLength());
        // Expanded: <s> USER v v v v 6 7 8 </s>: position 7 (the 7) predicts 8, position 8 predicts </s>.
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 8, 2, 0, 0, 0}, batch.targets()[0]);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0}, batch.weights()[0]);
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 2, 0}, batch.targets()[1]);
        assertArrayEquals(new float[] {0, 1}, batch.presence()[1]);
        assertArrayEquals(new long[] {0, 0, 7, 0}, batch.patchLabels()[1]);
    }

    @Test
    void anExamplesAnswerWeightIsTheWeightOfEachOfItsAnswerTokens() {
        TrainingExample caption = new TrainingExample(new long[] {1, IMAGE, 6, 7, 8, 2}, 3, List.of(PIXELS),
                List.of(new float[] {1}), List.of(new int[4]), 0.25f);

        TrainingBatch batch = new BatchAssembler(IMAGE, 4, 0).assemble(List.of(caption));

        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0.25f, 0.25f, 0.25f, 0}, batch.weights()[0]);
    }

    @Test
    void twoImageExamplesKeepTheirImagesInOrder() {
        PixelValues second = new PixelValues(3, 2, 2, new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
        TrainingExample example = new TrainingExample(new long[] {1, IMAGE, 4, IMAGE, 6, 8, 2}, 5,
                List.of(PIXELS, second), List.of(new float[] {1}, new float[] {0}),
                List.of(new int[4], new int[4]));

        TrainingBatch batch = new BatchAssembler(IMAGE, 4, 0).assemble(List.of(example));

        assertEquals(3, batch.segments().size());
        assertEquals(1 + 4 + 1 + 4 + 3, batch.sequenceLength());
        assertEquals(8, batch.targets()[0][10], "the answer after both images predicted from the token before it");
        assertEquals(second, batch.pixels().get(1));
    }

    @Test
    void mixingImageCountsInOneBatchIsRefused() {
        TrainingExample one = new TrainingExample(new long[] {1, IMAGE, 6, 2}, 2, List.of(PIXELS),
                List.of(new float[] {1}), List.of(new int[4]));
        TrainingExample two = new TrainingExample(new long[] {1, IMAGE, IMAGE, 6, 2}, 3, List.of(PIXELS, PIXELS),
                List.of(new float[] {1}, new float[] {1}), List.of(new int[4], new int[4]));

        assertThrows(IllegalArgumentException.class, () -> new BatchAssembler(IMAGE, 4, 0).assemble(List.of(one, two)));
    }
}
