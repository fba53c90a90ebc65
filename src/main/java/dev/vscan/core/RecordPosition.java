package dev.vscan.core;

/** Where a consumed request record sat, for its dead letter. */
public record RecordPosition(String topic, int partition, long offset) {}
