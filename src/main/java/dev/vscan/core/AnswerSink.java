package dev.vscan.core;

import java.util.concurrent.CompletionStage;

/**
 * Where answers leave the core: the Kafka adapter writes them (in the transaction that also commits the
 * request's offset), a test keeps them.
 */
public interface AnswerSink {

    /** Takes one request's answer; completes once the sink has stored it (or, transactional, committed it). */
    CompletionStage<Void> deliver(Answer answer);
}
