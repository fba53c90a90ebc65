package dev.vscan.scheduling;

/**
 * When a worker lets queued requests into its running set.
 *
 * @param maxRunning    most requests decoding at once
 * @param kvTokenBudget most KV cache tokens the running requests may hold together (their prompts after
 *                      reduction plus max_new_tokens); a request larger than the whole budget runs alone
 * @param continuous    true to admit between decode steps; false for static batching, where a new
 *                      group is admitted only when the running set is empty (kept for comparison)
 */
public record AdmissionPolicy(int maxRunning, long kvTokenBudget, boolean continuous) {

    public AdmissionPolicy {
        if (maxRunning < 1) {
            throw new IllegalArgumentException("max running sequences must be at least 1, got " + maxRunning);
        }
        if (kvTokenBudget < 1) {
            throw new IllegalArgumentException("KV token budget must be at least 1, got " + kvTokenBudget);
        }
    }
}
