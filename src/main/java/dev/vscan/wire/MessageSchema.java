package dev.vscan.wire;

/** The JSON Schemas of the messages, by the classpath resource the build copies them to. */
public enum MessageSchema {
    INFERENCE_REQUEST("inference-request.schema.json"),
    INFERENCE_RESULT("inference-result.schema.json"),
    TELEMETRY_EVENT("telemetry-event.schema.json"),
    DEAD_LETTER_RECORD("dead-letter-record.schema.json"),
    STREAM_CHUNK("stream-chunk.schema.json");

    private final String fileName;

    MessageSchema(String fileName) {
        this.fileName = fileName;
    }

    /** The file name, as in the repository's {@code schemas/} directory. */
    public String fileName() {
        return fileName;
    }

    /** The absolute classpath resource, e.g. {@code /schemas/inference-request.schema.json}. */
    public String resource() {
        return "/schemas/" + fileName;
    }
}
