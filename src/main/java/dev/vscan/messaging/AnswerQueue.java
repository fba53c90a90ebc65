package dev.vscan.messaging;

import dev.vscan.core.Answer;
import dev.vscan.core.AnswerSink;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Answers from the workers, waiting for the request processor's next transaction. Each delivery completes
 * once the transaction holding its records and its request's offset has committed.
 */
@ApplicationScoped
public class AnswerQueue implements AnswerSink {

    /** An answer and who waits for its commit. */
    record Pending(Answer answer, CompletableFuture<Void> committed) {}

    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();

    @Override
    public CompletionStage<Void> deliver(Answer answer) {
        Pending p = new Pending(answer, new CompletableFuture<>());
        queue.add(p);
        return p.committed();
    }

    List<Pending> drain() {
        List<Pending> out = new ArrayList<>();
        for (Pending p = queue.poll(); p != null; p = queue.poll()) {
            out.add(p);
        }
        return out;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }
}
