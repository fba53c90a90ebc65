/**
 * The two places where a visual-token reduction method plugs into the engine: after the vision
 * tower, per image ({@link dev.vscan.model.extension.VisualTokenReducer}; for towers without [CLS]
 * that score their own merged tokens, {@link dev.vscan.model.extension.ScoredTokenReducer}), and after
 * a decoder layer during prefill, per sequence ({@link dev.vscan.model.extension.SequencePruner}).
 * Plain Java + DJL.
 */
package dev.vscan.model.extension;
