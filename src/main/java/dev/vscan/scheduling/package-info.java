/**
 * Getting requests onto the model: a bounded, prioritised queue, and the pool of workers that
 * schedule per iteration, each admitting queued requests into its running set between decode steps
 * under a count and KV-cache budget. Plain Java: no model, Kafka or Quarkus types.
 */
package dev.vscan.scheduling;
