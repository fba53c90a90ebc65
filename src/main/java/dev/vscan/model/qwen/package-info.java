/**
 * Qwen2.5-VL's image side: the processor (smart_resize, Pillow-exact bicubic, merge-ordered patch rows)
 * and the windowed vision transformer with its patch merger, which can also report VScan's stage-1
 * scores (the attention each merged token receives in chosen blocks). Several images run through the
 * tower together without attending to each other. Imports DJL and the model's own packages only.
 */
package dev.vscan.model.qwen;
