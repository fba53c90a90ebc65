package dev.vscan.cli;

import dev.vscan.wire.InferenceRequest.RequestOptions;
import java.util.Set;

/**
 * The generation and reduction options as a request carries them ({@code --max-new-tokens} is
 * {@code max_new_tokens}, and so on), shared by {@code generate} and {@code send} so that the command line
 * and the service read them alike.
 */
final class WireOptions {

    /** The valued options this class reads. */
    static final Set<String> NAMES = Set.of("max-new-tokens", "temperature", "top-p", "seed", "reduction", "budget",
            "r1", "r2", "layer", "positions", "r1-ratio", "r2-ratio", "fraction");

    private WireOptions() {}

    /** The options given, each null when absent. */
    static RequestOptions from(Arguments a) {
        Long seed = a.string("seed", null) == null ? null : a.longValue("seed", 0);
        return new RequestOptions(optionalInt(a, "max-new-tokens"), optionalDecimal(a, "temperature"),
                optionalDecimal(a, "top-p"), seed, a.string("reduction", null), optionalInt(a, "budget"),
                optionalInt(a, "r1"), optionalInt(a, "r2"), optionalInt(a, "layer"), a.string("positions", null),
                optionalDecimal(a, "r1-ratio"), optionalDecimal(a, "r2-ratio"), optionalDecimal(a, "fraction"));
    }

    static Integer optionalInt(Arguments a, String name) {
        return a.string(name, null) == null ? null : a.integer(name, 0);
    }

    static Double optionalDecimal(Arguments a, String name) {
        return a.string(name, null) == null ? null : a.decimal(name, 0);
    }
}
