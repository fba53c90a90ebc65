/**
 * Visual-token reduction methods that plug into the engine's extension points: VScan's stage-1
 * global and local scans with token merging, and the stage-2 pruners. Plain Java + DJL; may import
 * {@code dev.vscan.model} types but no Quarkus, Kafka or CDI.
 */
package dev.vscan.reduction;
