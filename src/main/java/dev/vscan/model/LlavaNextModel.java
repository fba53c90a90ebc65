package dev.vscan.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.clip.PixelBatch;
import dev.vscan.model.clip.VisionOutput;
import dev.vscan.model.config.LlavaNextConfig;
import dev.vscan.model.extension.ImageFeatures;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.image.AnyResImage;
import dev.vscan.model.image.PixelValues;
import dev.vscan.model.next.FeaturePacking;
import dev.vscan.model.next.PackedImage;
import dev.vscan.model.weights.CanonicalWeights;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** The image's visual tokens with every patch kept, [tokens, hidden], in packing order. */
    public NDArray packedFeatures(NDManager manager, AnyResImage image) {
        return reduce(manager, image, VisualTokenReducer.NONE).embeddings();
    }

    /**
     * Stage 1 on LLaVA-NeXT: every crop (base and tiles) through the tower at once, then {@code reducer}
     * on each crop with that crop's own [CLS] scores and budget, merging within the crop after the
     * projector; the crops' kept tokens are then laid out as {@link FeaturePacking} packs the full image
     * (base first, the tile grid unpadded, a newline after every row), and what stage 1 dropped is left out.
     */
    public PackedImage reduce(NDManager manager, AnyResImage image, VisualTokenReducer reducer) {
        VisionOutput vision = llava.vision().forward(PixelBatch.of(manager, image.crops(), llava.options().dtype()),
                reducer.attentionLayers(llava.vision().layersRun()));
        return reduceEncoded(manager, image, vision, 0, reducer, new long[1]);
    }

    /**
     * As {@link #reduce}, for an image whose crops are rows {@code firstCrop ..} of a tower output that ran
     * several images at once (it must hold the [CLS] rows {@code reducer} asks for). The time spent in the
     * reducer and the packing is added to {@code reductionNanos[0]}.
     */
    public PackedImage reduceEncoded(NDManager manager, AnyResImage image, VisionOutput vision, int firstCrop,
            VisualTokenReducer reducer, long[] reductionNanos) {
        long start = System.nanoTime();
        int side = patchesPerSide();
        int cropCount = image.crops().size();
        NDList rows = new NDList();
        int[][] kept = new int[cropCount][];
        long[] firstRow = new long[cropCount];
        long next = 0;
        for (int c = 0; c < cropCount; c++) {
            Map<Integer, NDArray> attention = new HashMap<>();
            for (Map.Entry<Integer, NDArray> e : vision.clsAttention().entrySet()) {
                attention.put(e.getKey(), e.getValue().get(firstCrop + c));
            }
            ReducedImage crop = reducer.reduce(new ImageFeatures(vision.features().get(firstCrop + c),
                    Map.copyOf(attention), side, side), llava.projector()::apply);
            rows.add(crop.embeddings());
            kept[c] = crop.keptPatchIndices();
            for (int i = 1; i < kept[c].length; i++) {
                if (kept[c][i] <= kept[c][i - 1]) {
                    throw new IllegalStateException("a stage-1 reducer returned patch indices out of raster order for"
                            + " crop " + c + ": " + Arrays.toString(kept[c]));
                }
            }
            firstRow[c] = next;
            next += kept[c].length;
        }
        NDArray newline = imageNewline.reshape(1, imageNewline.getShape().get(0));
        newline.attach(manager); // a view made from the weights belongs to their manager until moved
        rows.add(newline.toType(rows.get(0).getDataType(), false));
        NDArray table = NDArrays.concat(rows, 0);
        FeaturePacking full = FeaturePacking.of(image.layout(), side);
        int[] survivors = full.survivors(kept);
        FeaturePacking sources = full.select(survivors);
        int[] sourceCrops = sources.crops();
        int[] sourcePatches = sources.patches();
        long[] index = new long[sources.tokens()];
        for (int t = 0; t < index.length; t++) {
            index[t] = sourceCrops[t] == FeaturePacking.NEWLINE ? next
                    : firstRow[sourceCrops[t]] + Arrays.binarySearch(kept[sourceCrops[t]], sourcePatches[t]);
        }
        PackedImage packed = new PackedImage(table.get(manager.create(index)), sources, survivors);
        reductionNanos[0] += System.nanoTime() - start;
        return packed;
    }

    /** Feature-layer hidden states of every crop, [crops, patches, vision width]. */
    public NDArray cropFeatures(NDManager manager, List<PixelValues> crops) {
        return llava.vision().forward(PixelBatch.of(manager, crops, llava.options().dtype()), Set.of()).features();
    }

    @Override
    public void close() {
        llava.close();
    }
}
