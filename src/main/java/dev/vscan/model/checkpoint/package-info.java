/**
 * Generators of complete, valid checkpoint directories with seeded random weights (llava-hf LLaVA and
 * LLaVA-NeXT, Qwen2.5-VL in its published layout), so the engine's real loading code can be exercised
 * and benchmarked without downloading a model.
 * Plain Java; imports the model's config, weights and text packages.
 */
package dev.vscan.model.checkpoint;
