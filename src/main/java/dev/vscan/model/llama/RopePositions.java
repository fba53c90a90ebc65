package dev.vscan.model.llama;

import java.util.Arrays;

/**
 * One sequence's rotary positions: a single stream (Llama), or M-RoPE's temporal, height and width
 * streams (Qwen2.5-VL), each as long as the sequence.
 *
 * @param streams [S][L] positions, S of 1 or more, every stream of the same length
 */
public record RopePositions(long[][] streams) {

    public RopePositions {
        if (streams.length == 0) {
            throw new IllegalArgumentException("rotary positions need at least one stream");
        }
        streams = Arrays.stream(streams).map(long[]::clone).toArray(long[][]::new);
        for (long[] stream : streams) {
            if (stream.length != streams[0].length) {
                throw new IllegalArgumentException("position streams of one sequence differ in length: "
                        + stream.length + " and " + streams[0].length);
            }
        }
    }

    /** One stream. */
    public static RopePositions of(long[] positions) {
        return new RopePositions(new long[][] {positions});
    }

    /** 0, 1, ..., length - 1 on one stream. */
    public static RopePositions sequential(int length) {
        long[] row = new long[length];
        for (int t = 0; t < length; t++) {
            row[t] = t;
        }
        return of(row);
    }

    @Override
    public long[][] streams() {
        return Arrays.stream(streams).map(long[]::clone).toArray(long[][]::new);
    }

    public int length() {
        return streams[0].length;
    }

    /** The largest position on any stream: decoding continues after it. */
    public long max() {
        long max = Long.MIN_VALUE;
        for (long[] stream : streams) {
            for (long p : stream) {
                max = Math.max(max, p);
            }
        }
        return max;
    }
}
