package dev.vscan.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.MultiModalProjector;
import dev.vscan.model.clip.ClipVisionTower;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.image.PixelValues;
import dev.vscan.model.llama.LlamaModel;
import dev.vscan.model.nn.Linear;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The engine's vision tower, projector and decoder, built over {@link TrainableWeights}, plus a linear
 * head on the vision tower's [CLS] output. The [CLS] head is trained to tell which shape/colour pairs an
 * image holds, so that [CLS] attention points at objects as it does in CLIP and VScan's global scan has
 * something to read.
 */
public final class LlavaTrainingModel {

    static final String CLS_HEAD = "training.cls_head.";
    static final String PATCH_HEAD = "training.patch_head.";

    private final LlavaConfig config;
    private final ClipVisionTower vision;
    private final MultiModalProjector projector;
    private final LlamaModel language;
    private final NDArray embedTable;
    private final Linear clsHead;
    private final Linear patchHead;

    private final int patchClasses;

    public LlavaTrainingModel(LlavaConfig config, TrainableWeights weights, int presenceClasses, long seed) {
        this(config, weights, presenceClasses, PatchLabeller.CLASSES, seed);
    }

    /** @param patchClasses classes of the per-patch head ({@link PatchLabeller#classes()}) */
    public LlavaTrainingModel(LlavaConfig config, TrainableWeights weights, int presenceClasses, int patchClasses,
            long seed) {
        this.config = config;
        this.patchClasses = patchClasses;
        // The [CLS] row is kept here (LLaVA drops it) so the auxiliary head can read it.
        this.vision = ClipVisionTower.load(weights, config.vision(), config.visionLayersToRun(), true);
        this.projector = MultiModalProjector.load(weights, config.vision().hiddenSize(), config.text().hiddenSize(),
                config.projectorHiddenAct(), config.multimodalProjectorBias());
        this.language = LlamaModel.load(weights, config.text(), config.tieWordEmbeddings());
        this.embedTable = weights.get("model.language_model.embed_tokens.weight", config.text().vocabSize(),
                config.text().hiddenSize());
        NDManager manager = weights.manager();
        int width = config.vision().hiddenSize();
        this.clsHead = new Linear(
                weights.addExtra(CLS_HEAD + "weight", manager.create(gaussian(seed, presenceClasses * width,
                        1 / Math.sqrt(width)), new Shape(presenceClasses, width))),
                weights.addExtra(CLS_HEAD + "bias", manager.zeros(new Shape(presenceClasses))));
        this.patchHead = new Linear(
                weights.addExtra(PATCH_HEAD + "weight", manager.create(gaussian(seed + 1, patchClasses * width,
                        1 / Math.sqrt(width)), new Shape(patchClasses, width))),
                weights.addExtra(PATCH_HEAD + "bias", manager.zeros(new Shape(patchClasses))));
    }

    private static float[] gaussian(long seed, int count, double std) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return values;
    }

    /** Losses of one batch; every array belongs to {@code manager}. */
    public record Losses(NDArray total, NDArray answer, NDArray presence, NDArray patches, NDArray answerTokensCorrect,
            NDArray answerTokens) {}

    /**
     * @param presenceShare weight of the [CLS] presence loss
     * @param patchShare    weight of the per-patch class loss
     */
    public Losses losses(NDManager manager, TrainingBatch batch, float presenceShare, float patchShare) {
        int b = batch.batchSize();
        int images = batch.imagesPerExample();
        int n = config.vision().numPatches();
        long d = config.text().hiddenSize();
        NDArray features = vision.forwardForTraining(pixels(manager, batch.pixels()), Set.of()).features();
        NDArray cls = features.get(new NDIndex(":, 0, :"));
        NDArray patchFeatures = features.get(new NDIndex(":, 1:, :"));
        NDArray visual = projector.apply(patchFeatures).reshape(b, images, n, d);
        NDList parts = new NDList();
        for (int s = 0; s <= images; s++) {
            long[][] ids = batch.segments().get(s);
            if (ids[0].length > 0) {
                parts.add(embed(manager, ids));
            }
            if (s < images) {
                parts.add(visual.get(new NDIndex(":, {}, :, :", s)));
            }
        }
        NDArray logits = language.teacherForced(NDArrays.concat(parts, 1));
        long vocab = logits.getShape().get(2);
        NDArray targets = manager.create(batch.targets());
        NDArray weights = manager.create(batch.weights());
        NDArray picked = logits.logSoftmax(-1).mul(targets.oneHot((int) vocab)).sum(new int[] {-1});
        NDArray answerTokens = weights.sum();
        NDArray answer = picked.mul(weights).sum().neg().div(answerTokens);
        NDArray correct = logits.argMax(-1).eq(targets).toType(DataType.FLOAT32, false)
                .mul(weights).sum();
        NDArray presence = binaryCrossEntropy(clsHead.apply(cls), manager.create(batch.presence()));
        NDArray patchLabels = manager.create(batch.patchLabels()).oneHot(patchClasses);
        NDArray patches = patchHead.apply(patchFeatures).logSoftmax(-1).mul(patchLabels).sum(new int[] {-1}).mean().neg();
        NDArray total = answer.add(presence.mul(presenceShare)).add(patches.mul(patchShare));
        return new Losses(total, answer, presence, patches, correct, answerTokens);
    }

    private NDArray embed(NDManager manager, long[][] ids) {
        // A one-hot product rather than a gather, so the table receives gradients.
        return manager.create(ids).oneHot((int) embedTable.getShape().get(0)).matMul(embedTable);
    }

    private static NDArray binaryCrossEntropy(NDArray logits, NDArray targets) {
        // max(z, 0) - z*y + log(1 + exp(-|z|)): the stable form of the logistic loss.
        NDArray stable = logits.maximum(0f).sub(logits.mul(targets)).add(logits.abs().neg().exp().add(1f).log());
        return stable.mean();
    }

    private static NDArray pixels(NDManager manager, List<PixelValues> images) {
        PixelValues first = images.get(0);
        int size = first.data().length;
        FloatBuffer all = FloatBuffer.allocate(size * images.size());
        for (PixelValues image : images) {
            all.put(image.data());
        }
        all.flip();
        return manager.create(all, new Shape(images.size(), first.channels(), first.height(), first.width()));
    }
}
