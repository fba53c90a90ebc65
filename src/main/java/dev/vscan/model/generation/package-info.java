/**
 * Batched generation over a loaded LLaVA model: requests of token ids and pixel values in, tokens and
 * per-phase measurements out. Text and image decoding stay outside (see the pipeline), so this
 * layer can be driven by exact inputs in tests. Plain Java + DJL.
 */
package dev.vscan.model.generation;
