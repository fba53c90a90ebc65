package dev.vscan.model.llama;

import java.util.List;

/**
 * The decoding state of the sequences a prefill produced, one {@link SequenceCache} each, in the
 * order of the prefill's inputs. A running batch takes the sequence caches out and decodes any
 * mix of them together; closing this closes every cache it still holds.
 */
public final class KvCache implements AutoCloseable {

    private final List<SequenceCache> sequences;

    KvCache(List<SequenceCache> sequences) {
        this.sequences = List.copyOf(sequences);
    }

    public SequenceCache sequence(int index) {
        return sequences.get(index);
    }

    public List<SequenceCache> sequences() {
        return sequences;
    }

    @Override
    public void close() {
        sequences.forEach(SequenceCache::close);
    }
}
