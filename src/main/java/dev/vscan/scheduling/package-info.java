/**
 * Getting requests onto the model: a bounded, prioritised queue that forms batches under a size,
 * delay and visual-token budget, and the pool of workers, each owning one model replica. The queue
 * and batcher are plain Java; the pool may use CDI.
 */
package dev.vscan.scheduling;
