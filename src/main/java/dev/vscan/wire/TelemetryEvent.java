package dev.vscan.wire;

import java.util.Map;

/**
 * Efficiency telemetry of one answered request: the engine's efficiency report (tokens kept per
 * stage, FLOPs, phase times) plus what the service adds: queue wait, time to first token and per output
 * token, the requests prefilled with it (batch size) and the mean running set it decoded in, worker, model.
 */
public record TelemetryEvent(String id, String model, String worker, String reduction, int batchSize,
        double queueWaitMs, double timeToFirstTokenMs, double msPerOutputToken, double decodeBatch,
        Map<String, Object> efficiency, long timestamp) {}
