package dev.vscan.core;

/** One header of a request record, as the producer wrote it (bytes, maybe not UTF-8, maybe null). */
public record RecordHeader(String name, byte[] value) {}
