/**
 * Visual token reduction plugged into the engine's two extension points: VScan's global and local
 * scans with token merging (stage 1) and middle-layer pruning (stage 2), the peer baselines FastV,
 * PyramidDrop and VisionZip, their budgets ({@link dev.vscan.reduction.ReductionConfig}) and the
 * efficiency accounting. Plain Java + DJL; imports the model packages, never Quarkus or Kafka.
 */
package dev.vscan.reduction;
