package dev.vscan.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticDatasetTest {

    @Test
    void sameSeedAndIndexGiveTheSameQuestionAndPixelsWhateverTheCallOrder() {
        SyntheticDataset a = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 112);
        SyntheticDataset b = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 112);
        for (long i = 0; i < 5; i++) {
            b.get(100 + i); // b sees other items first
        }
        for (long index : new long[] {0, 1, 42, 123_456_789_012L}) {
            VisualQuestion first = a.get(index);
            VisualQuestion second = b.get(index);
            assertEquals(first, second);
            for (int s = 0; s < first.scenes().size(); s++) {
                assertArrayEquals(new RenderedScene(first.scenes().get(s)).pixels(),
                        new RenderedScene(second.scenes().get(s)).pixels());
            }
            assertEquals(a.get(index, QuestionFamily.GLYPH), b.get(index, QuestionFamily.GLYPH));
        }
    }

    @Test
    void differentSeedsAndIndicesGiveDifferentQuestions() {
        SyntheticDataset train = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 112);
        SyntheticDataset other = new SyntheticDataset(2, 112);
        int sameAcrossSeeds = 0;
        int sameAcrossIndices = 0;
        for (long i = 0; i < 50; i++) {
            if (train.get(i, QuestionFamily.COLOUR).equals(other.get(i, QuestionFamily.COLOUR))) {
                sameAcrossSeeds++;
            }
            if (train.get(i, QuestionFamily.COLOUR).equals(train.get(i + 1, QuestionFamily.COLOUR))) {
                sameAcrossIndices++;
            }
        }
        assertEquals(0, sameAcrossSeeds);
        assertEquals(0, sameAcrossIndices);
    }

    @Test
    void indexWithoutFamilyCoversAllFamilies() {
        SyntheticDataset data = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 112);
        Map<QuestionFamily, Integer> seen = new EnumMap<>(QuestionFamily.class);
        for (long i = 0; i < 600; i++) {
            seen.merge(data.get(i).family(), 1, Integer::sum);
        }
        assertEquals(6, seen.size(), seen.toString());
        seen.values().forEach(n -> assertTrue(n > 60, seen.toString()));
    }

    @Test
    void weightedAccessHonoursTheWeights() {
        SyntheticDataset data = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 112);
        Map<QuestionFamily, Double> onlyCompare = Map.of(QuestionFamily.COMPARE, 1.0);
        VisualQuestion q = data.get(9, onlyCompare);
        assertEquals(QuestionFamily.COMPARE, q.family());
        assertEquals(2, q.scenes().size());
        assertEquals(q, data.get(9, onlyCompare));
    }

    @Test
    void heldOutIsFamilyMajorFromItsOwnSeed() {
        List<VisualQuestion> fromTrain = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 112).heldOut(3);
        List<VisualQuestion> fromOther = new SyntheticDataset(77, 112).heldOut(3);
        assertEquals(18, fromTrain.size());
        assertEquals(fromTrain, fromOther);
        for (int i = 0; i < fromTrain.size(); i++) {
            assertEquals(QuestionFamily.values()[i / 3], fromTrain.get(i).family());
        }
        SyntheticDataset train = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 112);
        for (int i = 0; i < 3; i++) {
            assertTrue(!fromTrain.get(i).equals(train.get(i, QuestionFamily.COLOUR)));
        }
        // Families draw from different streams: the GLYPH and COLOUR items' scenes are unrelated.
        assertTrue(!fromTrain.get(0).scenes().equals(fromTrain.get(9).scenes()));
    }

    @Test
    void largerImagesKeepTheLayoutRules() {
        SyntheticDataset data = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 224);
        for (long i = 0; i < 30; i++) {
            VisualQuestion q = data.get(i);
            for (Scene scene : q.scenes()) {
                assertEquals(224, scene.size());
                SceneGeneratorTest.checkLayout(scene);
            }
        }
    }

    @Test
    void heldOutScenesNeverAppearAmongTheQuestionsTheBuiltInModelWasTrainedOn() {
        // The built-in model saw 3,400 steps x 16 questions drawn from TRAIN_SEED (fewer than 70,000 draws).
        Set<Scene> heldOut = new HashSet<>();
        for (VisualQuestion q : new SyntheticDataset(SyntheticDataset.HELD_OUT_SEED, 112).heldOut(100)) {
            heldOut.addAll(q.scenes());
        }
        SyntheticDataset training = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 112);
        Map<QuestionFamily, Double> weights = Map.of(QuestionFamily.COLOUR, 1.0,
                QuestionFamily.COUNT, 1.0, QuestionFamily.POSITION, 1.0, QuestionFamily.GLYPH, 1.0,
                QuestionFamily.EXISTS, 1.0, QuestionFamily.COMPARE, 0.5);
        for (long i = 0; i < 70_000; i++) {
            for (Scene scene : training.get(i, weights).scenes()) {
                assertFalse(heldOut.contains(scene), "training question " + i + " shows a held-out scene");
            }
        }
    }
}
