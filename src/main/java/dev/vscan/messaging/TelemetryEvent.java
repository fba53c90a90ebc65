package dev.vscan.messaging;

import java.util.Map;

/**
 * Efficiency telemetry of one answered request: the engine's efficiency report (tokens kept per
 * stage, FLOPs, phase times) plus what the service adds (queue wait, batch size, worker, model).
 */
public record TelemetryEvent(String id, String model, String worker, String reduction, int batchSize,
        double queueWaitMs, Map<String, Object> efficiency, long timestamp) {}
