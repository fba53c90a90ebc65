/**
 * Generators of complete, valid llava-hf checkpoint directories with seeded random weights, so the
 * engine's real loading code can be exercised and benchmarked without downloading a model.
 * Plain Java; imports the model's config, weights and text packages.
 */
package dev.vscan.model.checkpoint;
