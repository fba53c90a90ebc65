package dev.vscan.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.ParameterSource;
import dev.vscan.model.config.VisionConfig;
import dev.vscan.model.nn.Activations;
import dev.vscan.model.nn.LayerNorm;
import dev.vscan.model.nn.Linear;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * CLIP ViT as LLaVA uses it: only the layers up to the feature layer run (the last layer and the
 * post-layernorm are dead weight for LLaVA), and only the attention rows a caller asks for are kept.
 */
public final class ClipVisionTower {

    private static final String PREFIX = "model.vision_tower.vision_model.";

    private final VisionConfig config;
    private final NDArray patchWeight;
    private final NDArray classEmbedding;
    private final NDArray positionEmbedding;
    private final LayerNorm preNorm;
    private final List<ClipEncoderLayer> layers;
    private final boolean keepCls;

    private ClipVisionTower(VisionConfig config, NDArray patchWeight, NDArray classEmbedding,
            NDArray positionEmbedding, LayerNorm preNorm, List<ClipEncoderLayer> layers, boolean keepCls) {
        this.config = config;
        this.patchWeight = patchWeight;
        this.classEmbedding = classEmbedding;
        this.positionEmbedding = positionEmbedding;
        this.preNorm = preNorm;
        this.layers = layers;
        this.keepCls = keepCls;
    }

    /**
     * @param layersToRun how many encoder layers feed the features (23 for LLaVA's layer -2 of 24)
     * @param keepCls     true for the "full" feature strategy, false for "default"
     */
    public static ClipVisionTower load(ParameterSource p, VisionConfig c, int layersToRun, boolean keepCls) {
        if (layersToRun < 0 || layersToRun > c.numHiddenLayers()) {
            throw new IllegalArgumentException("vision feature layer selects " + layersToRun
                    + " layers but the tower has " + c.numHiddenLayers());
        }
        long w = c.hiddenSize();
        long positions = (long) c.numPatches() + 1;
        NDArray patch = p.get(PREFIX + "embeddings.patch_embedding.weight", w, c.numChannels(), c.patchSize(), c.patchSize());
        NDArray cls = p.get(PREFIX + "embeddings.class_embedding", w);
        NDArray pos = p.get(PREFIX + "embeddings.position_embedding.weight", positions, w);
        LayerNorm pre = layerNorm(p, PREFIX + "pre_layrnorm", w, c.layerNormEps());
        UnaryOperator<NDArray> act = Activations.byName(c.hiddenAct());
        List<ClipEncoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < layersToRun; i++) {
            String l = PREFIX + "encoder.layers." + i + ".";
            ClipAttention attention = new ClipAttention(
                    linear(p, l + "self_attn.q_proj", w, w), linear(p, l + "self_attn.k_proj", w, w),
                    linear(p, l + "self_attn.v_proj", w, w), linear(p, l + "self_attn.out_proj", w, w),
                    c.numAttentionHeads());
            layers.add(new ClipEncoderLayer(
                    layerNorm(p, l + "layer_norm1", w, c.layerNormEps()), attention,
                    layerNorm(p, l + "layer_norm2", w, c.layerNormEps()),
                    linear(p, l + "mlp.fc1", c.intermediateSize(), w), linear(p, l + "mlp.fc2", w, c.intermediateSize()),
                    act));
        }
        return new ClipVisionTower(c, patch, cls, pos, pre, List.copyOf(layers), keepCls);
    }

    public VisionConfig config() {
        return config;
    }

    public int layersRun() {
        return layers.size();
    }

    /**
     * Runs the tower for inference: each layer's activations are freed as soon as the next layer
     * has its input, so a batch of images costs a few layers' worth of memory, not the whole tower's.
     *
     * @param pixels          [images, channels, height, width] preprocessed pixel values
     * @param attentionLayers 0-based layer indices whose [CLS] attention rows to return
     */
    public VisionOutput forward(NDArray pixels, Set<Integer> attentionLayers) {
        return run(pixels, attentionLayers, true);
    }

    /** As {@link #forward}, keeping every activation alive for the backward pass of training. */
    public VisionOutput forwardForTraining(NDArray pixels, Set<Integer> attentionLayers) {
        return run(pixels, attentionLayers, false);
    }

    private VisionOutput run(NDArray pixels, Set<Integer> attentionLayers, boolean freeEachLayer) {
        for (int layer : attentionLayers) {
            if (layer < 0 || layer >= layers.size()) {
                throw new IllegalArgumentException("attention of vision layer " + layer
                        + " was asked for, but only layers 0.." + (layers.size() - 1) + " run");
            }
        }
        NDManager outer = pixels.getManager();
        long images = pixels.getShape().get(0);
        long width = config.hiddenSize();
        // Pixels, patches and the sums before the pre-norm are freed once x exists (inference only).
        NDManager embedding = freeEachLayer ? outer.newSubManager() : outer;
        NDArray x;
        try {
            if (freeEachLayer) {
                pixels.tempAttach(embedding);
            }
            NDArray patches = ai.djl.nn.convolutional.Conv2d.conv2d(pixels, patchWeight, null,
                            new Shape(config.patchSize(), config.patchSize()), new Shape(0, 0), new Shape(1, 1), 1)
                    .singletonOrThrow()
                    .reshape(images, width, -1)
                    .transpose(0, 2, 1);
            NDArray cls = embedding.zeros(new Shape(images, 1, width), patches.getDataType()).add(classEmbedding);
            x = preNorm.apply(NDArrays.concat(new ai.djl.ndarray.NDList(cls, patches), 1).add(positionEmbedding));
            x.attach(outer);
        } finally {
            if (freeEachLayer) {
                embedding.close();
            }
        }
        Map<Integer, NDArray> rows = new LinkedHashMap<>();
        NDArray[] row = new NDArray[1];
        for (int i = 0; i < layers.size(); i++) {
            boolean wanted = attentionLayers.contains(i);
            if (!freeEachLayer) {
                x = layers.get(i).apply(x, wanted ? row : null);
            } else {
                try (NDManager scope = outer.newSubManager()) {
                    x.attach(scope);
                    x = layers.get(i).apply(x, wanted ? row : null);
                    x.attach(outer);
                    if (wanted) {
                        row[0].attach(outer);
                    }
                }
            }
            if (wanted) {
                rows.put(i, row[0]);
            }
        }
        NDArray features = keepCls ? x : x.get(new NDIndex(":, 1:, :"));
        return new VisionOutput(features, Collections.unmodifiableMap(rows));
    }

    private static Linear linear(ParameterSource p, String name, long out, long in) {
        return new Linear(p.get(name + ".weight", out, in), p.get(name + ".bias", out));
    }

    private static LayerNorm layerNorm(ParameterSource p, String name, long width, double eps) {
        return new LayerNorm(p.get(name + ".weight", width), p.get(name + ".bias", width), eps);
    }
}
