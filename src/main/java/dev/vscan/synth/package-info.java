/**
 * A deterministic synthetic visual-question-answering dataset for training and evaluating a small
 * LLaVA model: scenes of coloured shapes and corner digits, a bit-exact pixel renderer, templated
 * questions in six families with balanced answers, and a per-index reproducible dataset. Plain Java
 * plus {@code java.awt.image}; imports no DJL, Quarkus or Kafka types.
 */
package dev.vscan.synth;
