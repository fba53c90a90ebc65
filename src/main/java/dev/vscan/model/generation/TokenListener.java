package dev.vscan.model.generation;

/** Receives each generated token as soon as it is chosen, for streaming. */
@FunctionalInterface
public interface TokenListener {

    TokenListener NONE = (request, token) -> { };

    /** @param request index of the request within the batch */
    void onToken(int request, long token);
}
