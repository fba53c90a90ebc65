package dev.vscan.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.vscan.model.ParameterSource;
import dev.vscan.model.config.TextConfig;
import dev.vscan.model.extension.PruneContext;
import dev.vscan.model.extension.PruneDecision;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.nn.Activations;
import dev.vscan.model.nn.Linear;
import dev.vscan.model.nn.Precision;
import dev.vscan.model.nn.RmsNorm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Llama language model: embeddings, decoder layers, final norm and LM head. Qwen2 is the same
 * decoder with q/k/v biases and, in Qwen2.5-VL, M-RoPE over three position streams.
 */
public final class LlamaModel {

    private static final String PREFIX = "model.language_model.";
    private static final float TRAINING_MASKED = -1e4f;

    private final TextConfig config;
    private final NDArray embedTokens;
    private final List<LlamaDecoderLayer> layers;
    private final RmsNorm norm;
    private final NDArray lmHead;
    private final RotaryEmbedding rotary;
    private final boolean rotaryInStageTwoScores;

    private LlamaModel(TextConfig config, NDArray embedTokens, List<LlamaDecoderLayer> layers, RmsNorm norm,
            NDArray lmHead, boolean rotaryInStageTwoScores) {
        this.config = config;
        this.embedTokens = embedTokens;
        this.layers = layers;
        this.norm = norm;
        this.lmHead = lmHead;
        this.rotaryInStageTwoScores = rotaryInStageTwoScores;
        this.rotary = new RotaryEmbedding(config.headDim(), config.ropeTheta(), config.mropeSectionOrNull());
    }

    /**
     * @param tiedEmbeddings use the embedding table as LM head (required when lm_head is absent)
     */
    public static LlamaModel load(ParameterSource p, TextConfig c, boolean tiedEmbeddings) {
        return load(p, c, tiedEmbeddings, true);
    }

    /**
     * @param rotaryInStageTwoScores whether the keys and query that score visual tokens for stage 2 are
     *                               rotated (LLaVA's reference does; VScan's Qwen2.5-VL code does not)
     */
    public static LlamaModel load(ParameterSource p, TextConfig c, boolean tiedEmbeddings,
            boolean rotaryInStageTwoScores) {
        long d = c.hiddenSize();
        long qWidth = (long) c.numAttentionHeads() * c.headDim();
        long kvWidth = (long) c.numKeyValueHeads() * c.headDim();
        long m = c.intermediateSize();
        NDArray embed = p.get(PREFIX + "embed_tokens.weight", c.vocabSize(), d);
        List<LlamaDecoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String l = PREFIX + "layers." + i + ".";
            LlamaAttention attention = new LlamaAttention(
                    linear(p, l + "self_attn.q_proj", qWidth, d), linear(p, l + "self_attn.k_proj", kvWidth, d),
                    linear(p, l + "self_attn.v_proj", kvWidth, d), linear(p, l + "self_attn.o_proj", d, qWidth),
                    c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim());
            LlamaMlp mlp = new LlamaMlp(linear(p, l + "mlp.gate_proj", m, d), linear(p, l + "mlp.up_proj", m, d),
                    linear(p, l + "mlp.down_proj", d, m), Activations.byName(c.hiddenAct()));
            layers.add(new LlamaDecoderLayer(
                    new RmsNorm(p.get(l + "input_layernorm.weight", d), c.rmsNormEps()), attention,
                    new RmsNorm(p.get(l + "post_attention_layernorm.weight", d), c.rmsNormEps()), mlp));
        }
        RmsNorm norm = new RmsNorm(p.get(PREFIX + "norm.weight", d), c.rmsNormEps());
        NDArray head;
        if (p.has("lm_head.weight")) {
            head = p.get("lm_head.weight", c.vocabSize(), d);
        } else if (tiedEmbeddings) {
            head = embed;
        } else {
            throw new IllegalArgumentException(
                    "checkpoint has no lm_head.weight and tie_word_embeddings is false in config.json");
        }
        return new LlamaModel(c, embed, List.copyOf(layers), norm, head, rotaryInStageTwoScores);
    }

    public TextConfig config() {
        return config;
    }

    public int numLayers() {
        return layers.size();
    }

    /** Embedding rows for int64 token ids of any shape; the result belongs to the ids' manager. */
    public NDArray embed(NDArray ids) {
        NDArray rows = embedTokens.get(ids.flatten());
        rows.attach(ids.getManager());
        return rows.reshape(ids.getShape().addAll(new ai.djl.ndarray.types.Shape(embedTokens.getShape().get(1))));
    }

    /**
     * Runs the prompt of every sequence through all layers, calling each sequence's pruner at the
     * layers it names, and returns the last position's logits with a cache ready for decoding.
     *
     * @param sequences [L_b, D] input embeddings per sequence (text and visual tokens spliced)
     * @param visual    per sequence, which tokens are visual
     * @param pruners   per sequence, its stage-2 method ({@link SequencePruner#NONE} for none)
     */
    public PrefillResult prefill(List<NDArray> sequences, List<boolean[]> visual, List<SequencePruner> pruners) {
        List<long[]> positions = new ArrayList<>();
        for (NDArray sequence : sequences) {
            long[] row = new long[(int) sequence.getShape().get(0)];
            for (int t = 0; t < row.length; t++) {
                row[t] = t;
            }
            positions.add(row);
        }
        return prefill(sequences, positions, visual, pruners);
    }

    /**
     * As {@link #prefill(List, List, List)}, with each token's rotary position given: strictly
     * ascending per sequence, gaps allowed (tokens dropped before the LLM that keep their places).
     * Decoding continues after the last prompt position. The caches belong to the inputs' manager
     * and grow as decoding needs.
     */
    public PrefillResult prefill(List<NDArray> sequences, List<long[]> tokenPositions, List<boolean[]> visual,
            List<SequencePruner> pruners) {
        return prefill(sequences, tokenPositions.stream().map(RopePositions::of).toList(), visual, pruners,
                sequences.get(0).getManager(), new int[sequences.size()]);
    }

    /**
     * As above, with each sequence's rotary positions on one stream or on M-RoPE's three, each cache
     * made under {@code cacheParent} (so it may outlive the prefill's own arrays) and with room for
     * {@code reserve[b]} generated tokens in every layer. Decoding continues after the largest position.
     */
    public PrefillResult prefill(List<NDArray> sequences, List<RopePositions> tokenPositions, List<boolean[]> visual,
            List<SequencePruner> pruners, NDManager cacheParent, int[] reserve) {
        int batch = sequences.size();
        NDManager manager = sequences.get(0).getManager();
        long[][][] positions = new long[batch][][];
        long[] nextPosition = new long[batch];
        for (int b = 0; b < batch; b++) {
            int length = (int) sequences.get(b).getShape().get(0);
            positions[b] = checkedPositions(b, tokenPositions.get(b), length);
            nextPosition[b] = tokenPositions.get(b).max() + 1;
            validatePruner(pruners.get(b));
        }
        boolean[][] promptVisual = visual.toArray(new boolean[0][]);
        PaddedBatch state = PaddedBatch.leftPad(sequences, positions, promptVisual);
        List<SequenceCache> caches = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            caches.add(new SequenceCache(cacheParent, layers.size(), nextPosition[b], reserve[b]));
        }
        long[] shift = new long[batch];
        int[][] tokensPerLayer = new int[batch][layers.size()];
        int[][] visualPerLayer = new int[batch][layers.size()];
        // The RoPE table and the mask depend only on the batch's positions and padding: built once and
        // again only after a pruning point changed them.
        NDManager tables = null;
        NDList rope = null;
        NDArray mask = null;
        try {
            for (int i = 0; i < layers.size(); i++) {
                for (int b = 0; b < batch; b++) {
                    tokensPerLayer[b][i] = state.sequenceLength(b);
                    visualPerLayer[b][i] = count(state.visual(b));
                }
                if (tables == null) {
                    tables = manager.newSubManager();
                    rope = rotary.table(tables, state.paddedPositions(), state.hidden().getDataType());
                    mask = state.causalMask(tables, state.keyMask(tables));
                }
                boolean pruneHere = anyPrunesAfter(pruners, i + 1);
                // Each layer's temporaries (attention maps above all) live in a scope closed right after
                // it; only the new hidden states move on, and the keys and values are copied into the caches.
                try (NDManager scope = manager.newSubManager()) {
                    state.hidden().attach(scope);
                    LlamaDecoderLayer.PrefillOutput out = layers.get(i).prefill(state.hidden(), rope, mask, pruneHere);
                    for (int b = 0; b < batch; b++) {
                        NDIndex real = new NDIndex("{}:{}, :, {}:, :", b, b + 1, state.length() - state.sequenceLength(b));
                        caches.get(b).fill(i, out.keys().get(scope, real), out.values().get(scope, real), shift[b]);
                    }
                    state = state.withHidden(out.hidden());
                    if (pruneHere) {
                        state = prune(state, i + 1, pruners, out.lastRowAttention(), shift, nextPosition);
                        tables.close();
                        tables = null;
                    }
                    state.hidden().attach(manager);
                }
            }
        } catch (RuntimeException e) {
            caches.forEach(SequenceCache::close);
            throw e;
        } finally {
            if (tables != null) {
                tables.close();
            }
        }
        NDArray last = state.hidden().get(new NDIndex(":, -1, :"));
        int[][] reaching = new int[batch][];
        for (int b = 0; b < batch; b++) {
            reaching[b] = visualReaching(promptVisual[b], state.origin(b), state.visual(b));
        }
        return new PrefillResult(logits(last), new KvCache(caches), tokensPerLayer, visualPerLayer, reaching);
    }

    /**
     * Teacher-forced pass for training: every position of equally long sequences (right padding is
     * harmless under the causal mask) at positions 0..T-1, no cache, no pruning. Autograd-safe: no
     * scope is closed while the graph may still need its arrays.
     *
     * @param embeddings [B, T, D] input embeddings, visual tokens spliced in
     * @return [B, T, vocab] float32 logits
     */
    public NDArray teacherForced(NDArray embeddings) {
        NDManager manager = embeddings.getManager();
        long batch = embeddings.getShape().get(0);
        int length = (int) embeddings.getShape().get(1);
        long[][] positions = new long[(int) batch][length];
        for (long[] row : positions) {
            for (int t = 0; t < length; t++) {
                row[t] = t;
            }
        }
        NDList rope = rotary.table(manager, positions, embeddings.getDataType());
        float[] causal = new float[length * length];
        for (int q = 0; q < length; q++) {
            for (int k = q + 1; k < length; k++) {
                // Finite so that gradients through the softmax stay finite.
                causal[q * length + k] = TRAINING_MASKED;
            }
        }
        NDArray mask = manager.create(causal, new ai.djl.ndarray.types.Shape(1, length, length));
        NDArray x = embeddings;
        for (LlamaDecoderLayer layer : layers) {
            x = layer.forward(x, rope, mask);
        }
        return logits(x);
    }

    /** One decoding step: feeds one token per sequence and returns [B, vocab] float32 logits. */
    public NDArray decode(NDManager manager, long[] tokens, KvCache cache) {
        return decode(manager, tokens, cache.sequences());
    }

    /**
     * One decoding step over any set of sequence caches, of any lengths: feeds {@code tokens[b]} to
     * {@code caches.get(b)}, writes its keys and values in place and returns [B, vocab] float32 logits.
     * Everything the step creates belongs to {@code manager}; close it after reading the logits.
     */
    public NDArray decode(NDManager manager, long[] tokens, List<SequenceCache> caches) {
        int batch = tokens.length;
        if (caches.size() != batch) {
            throw new IllegalArgumentException(batch + " tokens for " + caches.size() + " sequences");
        }
        NDArray x = embed(manager.create(tokens).reshape(batch, 1));
        List<long[]> shifts = new ArrayList<>();
        List<NDList> tables = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            long[] shift = new long[batch];
            for (int b = 0; b < batch; b++) {
                shift[b] = caches.get(b).positionShift(i);
            }
            x = layers.get(i).decode(x, ropeFor(manager, caches, shift, shifts, tables, x.getDataType()), caches, i);
        }
        caches.forEach(SequenceCache::advance);
        return logits(x.get(new NDIndex(":, 0, :")));
    }

    /** One stream must ascend strictly; M-RoPE's height and width streams go back at each image row. */
    private long[][] checkedPositions(int sequence, RopePositions given, int length) {
        if (given.length() != length) {
            throw new IllegalArgumentException("sequence " + sequence + " has " + length + " tokens but "
                    + given.length() + " positions");
        }
        long[][] streams = given.streams();
        if (streams.length != 1 && streams.length != rotary.streams()) {
            throw new IllegalArgumentException("sequence " + sequence + " has " + streams.length
                    + " position streams; this model's rotary embedding takes 1 or " + rotary.streams());
        }
        for (long[] stream : streams) {
            for (int t = 0; t < length; t++) {
                boolean ordered = streams.length > 1 || t == 0 || stream[t] > stream[t - 1];
                if (stream[t] < 0 || !ordered) {
                    throw new IllegalArgumentException("positions of sequence " + sequence
                            + " must be non-negative and strictly ascending; token " + t + " has " + stream[t]);
                }
            }
        }
        return streams;
    }

    private NDList ropeFor(NDManager manager, List<SequenceCache> caches, long[] shift, List<long[]> shifts, List<NDList> tables,
            DataType dtype) {
        // Layers before and after a pruning point differ only in their shift; build each table once.
        for (int i = 0; i < shifts.size(); i++) {
            if (Arrays.equals(shifts.get(i), shift)) {
                return tables.get(i);
            }
        }
        long[][] positions = new long[shift.length][1];
        for (int b = 0; b < shift.length; b++) {
            // a generated token stands at the same place on every M-RoPE stream
            positions[b][0] = caches.get(b).nextPosition() - shift[b];
        }
        NDList table = rotary.table(manager, positions, dtype);
        shifts.add(shift);
        tables.add(table);
        return table;
    }

    private NDArray logits(NDArray lastHidden) {
        NDArray normed = norm.apply(lastHidden);
        return Precision.toFloat32(ai.djl.nn.core.Linear.linear(normed, lmHead, null).singletonOrThrow());
    }

    private PaddedBatch prune(PaddedBatch state, int layersDone, List<SequencePruner> pruners, NDArray lastRowAttention,
            long[] shift, long[] nextPosition) {
        int batch = state.batchSize();
        int[][] keep = new int[batch][];
        long[][][] newPositions = new long[batch][][];
        for (int b = 0; b < batch; b++) {
            int length = state.sequenceLength(b);
            SequencePruner pruner = pruners.get(b);
            if (!contains(pruner.pruneAfterLayers(), layersDone)) {
                keep[b] = range(length);
                newPositions[b] = state.positions(b);
                continue;
            }
            int[] visualTokens = indicesOf(state.visual(b));
            int sequence = b;
            Supplier<float[]> next = () -> probe(state, sequence, layersDone);
            Supplier<float[]> previous = () -> lastRowAttention
                    .get(new NDIndex("{}, {}:", sequence, state.length() - length)).toFloatArray();
            PruneDecision decision = pruner.decide(
                    new PruneContext(layersDone, visualTokens, length, next, previous));
            keep[b] = survivors(state.visual(b), visualTokens, decision.keptVisualTokens());
            long[][] old = state.positions(b);
            newPositions[b] = new long[old.length][keep[b].length];
            long max = Long.MIN_VALUE;
            for (int s = 0; s < old.length; s++) {
                for (int t = 0; t < keep[b].length; t++) {
                    newPositions[b][s][t] = decision.renumberPositions() ? t : old[s][keep[b][t]];
                    max = Math.max(max, newPositions[b][s][t]);
                }
            }
            shift[b] = nextPosition[b] - (max + 1);
        }
        return state.regather(keep, newPositions);
    }

    private float[] probe(PaddedBatch state, int b, int layerIndex) {
        NDArray rows = state.rows(b).expandDims(0);
        NDList rope = rotaryInStageTwoScores
                ? rotary.table(rows.getManager(), new long[][][] {state.positions(b)}, rows.getDataType()) : null;
        NDArray scores = layers.get(layerIndex).probeLastTokenAttention(rows, rope);
        return Precision.toFloat32(scores).toFloatArray();
    }

    /** The prompt-order ordinals of the visual tokens still present, from each row's origin in the prompt. */
    private static int[] visualReaching(boolean[] promptVisual, int[] origin, boolean[] visualNow) {
        int[] ordinal = new int[promptVisual.length];
        for (int t = 0, v = 0; t < promptVisual.length; t++) {
            ordinal[t] = promptVisual[t] ? v++ : -1;
        }
        int n = 0;
        int[] out = new int[origin.length];
        for (int t = 0; t < origin.length; t++) {
            if (visualNow[t]) {
                out[n++] = ordinal[origin[t]];
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int[] survivors(boolean[] visual, int[] visualTokens, int[] keptVisual) {
        boolean[] keepVisual = new boolean[visual.length];
        for (int v : keptVisual) {
            if (v < 0 || v >= visual.length || !visual[v]) {
                throw new IllegalArgumentException("pruner kept token " + v + ", which is not a visual token of "
                        + "this sequence (visual tokens: " + visualTokens.length + ")");
            }
            keepVisual[v] = true;
        }
        int[] out = new int[visual.length - visualTokens.length + keptVisual.length];
        int n = 0;
        for (int t = 0; t < visual.length; t++) {
            if (!visual[t] || keepVisual[t]) {
                out[n++] = t;
            }
        }
        return out;
    }

    private void validatePruner(SequencePruner pruner) {
        int previous = 0;
        for (int layer : pruner.pruneAfterLayers()) {
            if (layer <= previous || layer >= layers.size()) {
                throw new IllegalArgumentException("pruning layers " + Arrays.toString(pruner.pruneAfterLayers())
                        + " must be ascending and within 1.." + (layers.size() - 1));
            }
            previous = layer;
        }
    }

    private static boolean anyPrunesAfter(List<SequencePruner> pruners, int layersDone) {
        for (SequencePruner p : pruners) {
            if (contains(p.pruneAfterLayers(), layersDone)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    private static int[] indicesOf(boolean[] flags) {
        return java.util.stream.IntStream.range(0, flags.length).filter(i -> flags[i]).toArray();
    }

    private static int count(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            if (f) {
                n++;
            }
        }
        return n;
    }

    /** Biases where the checkpoint has them: Qwen2's q/k/v projections (and Llama's with attention_bias). */
    private static Linear linear(ParameterSource p, String name, long out, long in) {
        NDArray bias = p.has(name + ".bias") ? p.get(name + ".bias", out) : null;
        return new Linear(p.get(name + ".weight", out, in), bias);
    }
}
