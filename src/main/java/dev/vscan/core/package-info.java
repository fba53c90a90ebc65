/**
 * The serving core: turns a request record (bytes, key, headers, from Kafka or HTTP) into an admitted
 * job or a refusal, runs admitted jobs on the workers' engines, and hands every answer to an
 * {@link dev.vscan.core.AnswerSink}. Plain Java: the adapters (messaging, ingest) and the wiring
 * (service) depend on it, never the reverse.
 */
package dev.vscan.core;
