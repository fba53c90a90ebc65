package dev.vscan.model.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vscan.model.LlavaModel;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.llama.SequenceCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The running set of one worker, scheduled per iteration: between decode steps new requests are
 * admitted (their prompts prefilled together, each with its own images, reduction and positions) and
 * every sequence that finishes leaves the set the step it finishes, its output handed to its listener
 * at once. Caches stay ragged: each sequence decodes against its own, in one batched step.
 *
 * <p>Memory: each sequence's cache is allocated at admission for its prompt and max_new_tokens and
 * freed at retirement; everything else a step or an admission creates is freed before it returns.
 * One thread drives a running batch; several running batches may share one {@link LlavaModel}.
 */
public final class RunningBatch implements AutoCloseable {

    /** A request to admit and who follows it. */
    public record Admission(GenerationRequest request, SequenceListener listener) {}

    private final DecoderSide model;
    private final VisualEncoder encoder;
    private final PromptPrefill prefill;
    private final Set<Long> eosTokens = new HashSet<>();
    private final List<RunningSequence> running = new ArrayList<>();

    /** A running batch of LLaVA-1.5 requests. */
    public RunningBatch(LlavaModel model) {
        this(model, VisualEncoder.llava(model));
    }

    /** A running batch on {@code model}'s decoder whose images {@code encoder} turns into tokens. */
    public RunningBatch(LlavaModel model, VisualEncoder encoder) {
        this(DecoderSide.of(model), encoder);
    }

    /** A running batch on any family's decoder side and visual side. */
    public RunningBatch(DecoderSide model, VisualEncoder encoder) {
        this.model = model;
        this.encoder = encoder;
        this.prefill = new PromptPrefill(model, encoder);
        for (int id : model.eosTokenIds()) {
            eosTokens.add((long) id);
        }
    }

    /** Sequences decoding now. */
    public int size() {
        return running.size();
    }

    public boolean isEmpty() {
        return running.isEmpty();
    }

    /** The KV footprint of the running set in tokens: allocated cache slots over all layers / layers. */
    public long cachedTokens() {
        long total = 0;
        for (RunningSequence s : running) {
            total += s.cachedTokens();
        }
        return total;
    }

    /**
     * Prefills the requests together and picks each one's first token; those that finish with it
     * (an EOS, or max_new_tokens of 1) are retired at once, the rest join the running set.
     *
     * @throws IllegalArgumentException when a request does not fit the model; nothing is admitted then
     */
    public List<RunningSequence> admit(List<Admission> admissions) {
        if (admissions.isEmpty()) {
            return List.of();
        }
        List<GenerationRequest> requests = admissions.stream().map(Admission::request).toList();
        int[] reserve = new int[requests.size()];
        for (int r = 0; r < reserve.length; r++) {
            // The last token is never fed back, so the cache needs room for max_new_tokens - 1.
            reserve[r] = Math.max(1, requests.get(r).sampling().maxNewTokens() - 1);
        }
        List<RunningSequence> admitted = new ArrayList<>();
        long[] first;
        try (NDManager group = model.manager().newSubManager()) {
            PromptPrefill.Group g = prefill.run(group, requests, model.manager(), reserve);
            for (int r = 0; r < requests.size(); r++) {
                admitted.add(new RunningSequence(requests.get(r), admissions.get(r).listener(),
                        g.result().cache().sequence(r), prompt(g, r, requests.get(r))));
            }
            first = choose(g.logits(), admitted);
        } catch (RuntimeException e) {
            admitted.forEach(s -> s.cache().close());
            throw e;
        }
        for (int r = 0; r < admitted.size(); r++) {
            RunningSequence s = admitted.get(r);
            if (s.accept(first[r], endsSequence(s, first[r]))) {
                s.retire();
            } else {
                running.add(s);
            }
        }
        return admitted;
    }

    /**
     * One decode step over every running sequence; those that finish are retired before it returns.
     * When the step itself fails, every running sequence is failed (its listener told) and the error
     * is rethrown: their caches may be half written.
     *
     * @return the number of sequences that took part
     */
    public int step() {
        int n = running.size();
        if (n == 0) {
            return 0;
        }
        long[] feed = new long[n];
        List<SequenceCache> caches = new ArrayList<>(n);
        for (int b = 0; b < n; b++) {
            feed[b] = running.get(b).lastToken();
            caches.add(running.get(b).cache());
        }
        long[] next;
        try (NDManager step = model.manager().newSubManager()) {
            next = choose(model.language().decode(step, feed, caches), running);
        } catch (RuntimeException e) {
            failAll(e);
            throw e;
        }
        List<RunningSequence> finished = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            RunningSequence s = running.get(b);
            s.joinedDecodeStep(n);
            if (s.accept(next[b], endsSequence(s, next[b]))) {
                finished.add(s);
            }
        }
        running.removeAll(finished);
        finished.forEach(RunningSequence::retire);
        return n;
    }

    /** Stops a running sequence now; its listener gets the tokens so far with {@link FinishReason#CANCELLED}. */
    public boolean cancel(RunningSequence sequence) {
        if (!running.remove(sequence)) {
            return false;
        }
        sequence.cancel();
        sequence.retire();
        return true;
    }

    /** Cancels whatever still runs. */
    @Override
    public void close() {
        for (RunningSequence s : List.copyOf(running)) {
            cancel(s);
        }
    }

    /**
     * The next token of each sequence. Greedy rows are picked on the device, so only n token ids come
     * to the host; sampled rows, and rows whose listener wants logits, are copied one by one.
     */
    private static long[] choose(NDArray logits, List<RunningSequence> sequences) {
        int n = sequences.size();
        boolean anyOnDevice = false;
        for (RunningSequence s : sequences) {
            anyOnDevice |= onDevice(s);
        }
        long[] picked = anyOnDevice ? logits.argMax(1).toLongArray() : new long[n];
        for (int b = 0; b < n; b++) {
            RunningSequence s = sequences.get(b);
            if (!onDevice(s)) {
                float[] row = logits.get(b).toFloatArray();
                if (s.listener().wantsLogits()) {
                    s.listener().onLogits(row);
                }
                if (s.penalty() != null) {
                    s.penalty().apply(row);
                }
                picked[b] = s.sampler().next(row);
            }
        }
        return picked;
    }

    private boolean endsSequence(RunningSequence s, long token) {
        return !s.request().sampling().ignoreEos() && eosTokens.contains(token);
    }

    private static boolean onDevice(RunningSequence s) {
        return s.greedy() && !s.listener().wantsLogits() && s.penalty() == null;
    }

    private void failAll(RuntimeException e) {
        for (RunningSequence s : running) {
            s.cache().close();
            s.listener().onFailed(e);
        }
        running.clear();
    }

    private RunningSequence.Prompt prompt(PromptPrefill.Group g, int r, GenerationRequest request) {
        var reduced = g.images().get(r);
        int[] in = new int[reduced.size()];
        int[] kept = new int[reduced.size()];
        int[] crops = new int[reduced.size()];
        int[] newlines = new int[reduced.size()];
        List<int[]> indices = new ArrayList<>();
        for (int i = 0; i < reduced.size(); i++) {
            in[i] = encoder.tokensIn(request.images().get(i));
            crops[i] = encoder.crops(request.images().get(i));
            newlines[i] = encoder.newlines(request.images().get(i));
            kept[i] = reduced.get(i).tokens();
            indices.add(reduced.get(i).keptPatchIndices());
        }
        return new RunningSequence.Prompt(g.textTokens()[r], in, kept, g.result().tokensPerLayer()[r],
                g.result().visualPerLayer()[r], indices, g.visionNanos(), g.reductionNanos(), g.prefillNanos(),
                g.images().size(), crops, newlines, traces(reduced, g.result().visualReachingLastLayer()[r]));
    }

    /**
     * Each image's trace. The prompt's visual tokens are the images' kept tokens in order, so the k-th
     * visual token stands for a known image and patch; should a prompt ever hold more visual tokens than
     * its images gave, the traces say nothing about stage 2 rather than something wrong.
     */
    static List<ReductionTrace> traces(List<ReducedImage> images, int[] reaching) {
        int total = 0;
        for (ReducedImage image : images) {
            total += image.tokens();
        }
        boolean mapped = reaching.length == 0 || reaching[reaching.length - 1] < total;
        List<ReductionTrace> out = new ArrayList<>();
        int first = 0;
        int next = 0;
        for (ReducedImage image : images) {
            int[] survivors = null;
            if (mapped) {
                int end = next;
                while (end < reaching.length && reaching[end] < first + image.tokens()) {
                    end++;
                }
                survivors = new int[end - next];
                for (int i = next; i < end; i++) {
                    survivors[i - next] = image.keptPatchIndices()[reaching[i] - first];
                }
                Arrays.sort(survivors);
                next = end;
            }
            out.add(new ReductionTrace(image.keptPatchIndices().clone(), image.stageOne(), survivors));
            first += image.tokens();
        }
        return out;
    }
}
