package dev.vscan.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaNextConfig;
import dev.vscan.model.image.AnyResImage;
import dev.vscan.model.image.PixelValues;
import dev.vscan.model.next.FeaturePacking;
import dev.vscan.model.weights.CanonicalWeights;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A loaded LLaVA-NeXT model: LLaVA's CLIP tower, projector and decoder, plus the learned
 * {@code image_newline} that ends every row of an image's packed tile grid.
 */
public final class LlavaNextModel implements AutoCloseable {

    private static final String NEWLINE = "model.image_newline";

    private final LlavaNextConfig config;
    private final LlavaModel llava;
    private final NDArray imageNewline;

    private LlavaNextModel(LlavaNextConfig config, LlavaModel llava, NDArray imageNewline) {
        this.config = config;
        this.llava = llava;
        this.imageNewline = imageNewline;
    }

    /** Loads config.json ({@code model_type} llava_next) and the safetensors weights of a checkpoint directory. */
    public static LlavaNextModel load(Path dir, EngineOptions options) {
        LlavaNextConfig config = ConfigLoader.loadNext(dir);
        NDManager manager = NDManager.newBaseManager(options.device(), "PyTorch");
        try (CanonicalWeights weights = CanonicalWeights.open(dir)) {
            ParameterSource parameters = new CheckpointParameters(weights, manager, options.dtype());
            if (!parameters.has(NEWLINE)) {
                throw new IllegalArgumentException("a LLaVA-NeXT checkpoint needs image_newline; " + dir + " has none");
            }
            NDArray newline = parameters.get(NEWLINE, config.base().text().hiddenSize());
            return new LlavaNextModel(config, LlavaModel.build(config.base(), parameters, manager, options), newline);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public LlavaNextConfig config() {
        return config;
    }

    /** The tower, projector and decoder, with the weights' manager. */
    public LlavaModel llava() {
        return llava;
    }

    /** Patches along one side of a crop. */
    public int patchesPerSide() {
        return config.base().vision().gridSize();
    }

    /**
     * The image's visual tokens in the language model's width, [tokens, hidden], in packing order: every
     * crop through the tower and the projector at once, then gathered as {@link FeaturePacking} lays them out.
     */
    public NDArray packedFeatures(NDManager manager, AnyResImage image) {
        FeaturePacking packing = FeaturePacking.of(image.layout(), patchesPerSide());
        NDArray projected = projectedCrops(manager, image.crops());
        long perCrop = projected.getShape().get(1);
        long width = projected.getShape().get(2);
        NDArray newline = imageNewline.reshape(1, width);
        newline.attach(manager); // a view made from the weights belongs to their manager until moved
        NDArray rows = projected.reshape(projected.getShape().get(0) * perCrop, width).concat(newline, 0);
        long newlineRow = rows.getShape().get(0) - 1;
        int[] crops = packing.crops();
        int[] patches = packing.patches();
        long[] index = new long[packing.tokens()];
        for (int t = 0; t < index.length; t++) {
            index[t] = crops[t] == FeaturePacking.NEWLINE ? newlineRow : crops[t] * perCrop + patches[t];
        }
        return rows.get(manager.create(index));
    }

    /** Feature-layer hidden states of every crop, [crops, patches, vision width]. */
    public NDArray cropFeatures(NDManager manager, List<PixelValues> crops) {
        return llava.vision().forward(pixels(manager, crops), Set.of()).features();
    }

    private NDArray projectedCrops(NDManager manager, List<PixelValues> crops) {
        return llava.projector().apply(cropFeatures(manager, crops));
    }

    private NDArray pixels(NDManager manager, List<PixelValues> crops) {
        PixelValues first = crops.get(0);
        int size = first.data().length;
        float[] data = new float[size * crops.size()];
        for (int i = 0; i < crops.size(); i++) {
            System.arraycopy(crops.get(i).data(), 0, data, i * size, size);
        }
        NDArray array = manager.create(data, new Shape(crops.size(), first.channels(), first.height(), first.width()));
        DataType dtype = llava.options().dtype();
        return dtype == DataType.FLOAT32 ? array : array.toType(dtype, false);
    }

    @Override
    public void close() {
        llava.close();
    }
}
