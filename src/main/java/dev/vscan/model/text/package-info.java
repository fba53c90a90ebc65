/**
 * Text side of the LLaVA engine: the Hugging Face tokenizer wrapper; the prompt a conversation becomes
 * ({@link dev.vscan.model.text.PromptFormat}: the checkpoint's own Jinja chat template rendered with Jinjava
 * as transformers renders it, else a built-in vicuna or Mistral prompt) and the {@code <image>} expansion;
 * and a builder for small byte-level BPE {@code tokenizer.json} files used by the tiny presets. Plain Java:
 * it may import DJL's tokenizers binding, Jackson and Jinjava, nothing from Quarkus, Kafka or CDI.
 */
package dev.vscan.model.text;
