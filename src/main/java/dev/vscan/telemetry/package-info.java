/**
 * What the service tells operators: Micrometer metrics (requests by status, queue, batches, phase
 * times, tokens kept, FLOPs saved) and the health checks. May import Quarkus and Micrometer.
 */
package dev.vscan.telemetry;
