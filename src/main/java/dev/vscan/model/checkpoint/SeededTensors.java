package dev.vscan.model.checkpoint;

import dev.vscan.model.weights.DType;
import dev.vscan.model.weights.SafetensorsWriter;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Random tensors for a generated checkpoint, added to one {@link SafetensorsWriter}. Each tensor draws
 * from its own generator, seeded by the checkpoint seed and the tensor's drawing name, so a tensor's
 * values depend neither on the order tensors are added in nor on which other tensors exist.
 *
 * <p>The drawing name is the name a generator passes in; {@code storedName} maps it to the name written
 * to the file (the LLaVA generator draws by canonical name and stores the llava-hf one).
 */
final class SeededTensors {

    private final SafetensorsWriter writer;
    private final DType dtype;
    private final long seed;
    private final UnaryOperator<String> storedName;

    SeededTensors(SafetensorsWriter writer, DType dtype, long seed, UnaryOperator<String> storedName) {
        this.writer = writer;
        this.dtype = dtype;
        this.seed = seed;
        this.storedName = storedName;
    }

    /**
     * {@code name.weight} [out, in] with std 1/sqrt(in), which keeps activations at unit scale through
     * the stack so attention is not flat, and, if asked, {@code name.bias} [out] with std 0.02.
     */
    void linear(String name, int out, int in, boolean bias) {
        normal(name + ".weight", 1 / Math.sqrt(in), out, in);
        if (bias) {
            normal(name + ".bias", 0.02, out);
        }
    }

    /** A LayerNorm: {@link #scale} weight and a small bias. */
    void layerNorm(String name, int width) {
        scale(name + ".weight", width);
        normal(name + ".bias", 0.02, width);
    }

    /** A norm's gain: 1 + N(0, 0.1) per channel. */
    void scale(String name, int width) {
        float[] values = draw(name, width, 0.1);
        for (int i = 0; i < width; i++) {
            values[i] += 1f;
        }
        add(name, values, width);
    }

    /** N(0, std) values of the given shape. */
    void normal(String name, double std, long... shape) {
        add(name, draw(name, count(shape), std), shape);
    }

    /** N(0, std) values of the given shape, before they are added: the caller may still edit them. */
    float[] draw(String name, int n, double std) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return values;
    }

    void add(String name, float[] values, long... shape) {
        writer.add(storedName.apply(name), dtype, shape, values);
    }

    static int count(long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return Math.toIntExact(n);
    }
}
