/**
 * VScan's visual-token reduction and the peer methods it is compared with: stage-1 scans in the
 * vision encoder and stage-2 pruners inside the language model, plugged into the engine through
 * {@code dev.vscan.model.extension}. Plain Java + DJL; may import {@code dev.vscan.model..} but no
 * Quarkus, Kafka or CDI.
 */
package dev.vscan.reduction;
