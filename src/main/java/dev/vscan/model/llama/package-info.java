/**
 * The Llama decoder of LLaVA: RMSNorm, rotary positions in Hugging Face's rotate-half layout,
 * grouped-query attention, SwiGLU, and a per-layer KV cache whose layers may hold sequences of
 * different lengths once visual tokens were pruned mid-model. Imports DJL and the model packages only.
 */
package dev.vscan.model.llama;
