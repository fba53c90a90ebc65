/**
 * Text side of the LLaVA engine: the Hugging Face tokenizer wrapper, the LLaVA-1.5 prompt template with
 * {@code <image>} expansion, and a builder for small byte-level BPE {@code tokenizer.json} files used by
 * the tiny presets. Plain Java: it may import DJL's tokenizers binding and Jackson, nothing from Quarkus,
 * Kafka or CDI.
 */
package dev.vscan.model.text;
