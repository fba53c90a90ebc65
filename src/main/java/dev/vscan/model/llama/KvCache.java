package dev.vscan.model.llama;

/**
 * The decoding state of a batch: one {@link LayerCache} per decoder layer and, per sequence, the
 * position the next token takes. The counter is explicit rather than derived from a cache length,
 * because after pruning the layers disagree about how long the sequence is.
 */
public final class KvCache {

    private final LayerCache[] layers;
    private final long[] nextPosition;

    KvCache(int numLayers, long[] nextPosition) {
        this.layers = new LayerCache[numLayers];
        this.nextPosition = nextPosition.clone();
    }

    public LayerCache layer(int index) {
        return layers[index];
    }

    void set(int index, LayerCache cache) {
        layers[index] = cache;
    }

    public int numLayers() {
        return layers.length;
    }

    public int batchSize() {
        return nextPosition.length;
    }

    public long nextPosition(int sequence) {
        return nextPosition[sequence];
    }

    void advance() {
        for (int i = 0; i < nextPosition.length; i++) {
            nextPosition[i]++;
        }
    }
}
