/**
 * Reading and writing model weights: the safetensors format (single files and sharded checkpoints with an
 * index), the mapping between Hugging Face's LLaVA weight-name layouts and the canonical internal names,
 * and conversion between layouts. Plain Java: it may import the JDK and Jackson, nothing from DJL,
 * Quarkus or Kafka, so any engine can build its tensors from the buffers it returns.
 */
package dev.vscan.model.weights;
