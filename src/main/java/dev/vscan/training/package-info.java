/**
 * Trains a LLaVA-architecture model from scratch with DJL's autograd, running the engine's own forward
 * code (vision tower, projector, decoder layers) over synthetic visual questions. Plain Java: imports
 * the model, synth and DJL packages, never Quarkus or Kafka.
 */
package dev.vscan.training;
