package dev.vscan.ingest.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.MessageJson;

/**
 * The answer in OpenAI's shapes: a {@code chat.completion}, or the {@code chat.completion.chunk}s of a
 * stream (the role first, then the content deltas, then the finish reason, then the usage when asked for).
 * Built as JSON trees so that every field OpenAI writes as null is there as null.
 *
 * @param created epoch seconds when the request came
 */
public record ChatResponses(String id, long created, String model) {

    public ObjectNode completion(InferenceResult result) {
        ObjectNode root = head("chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", result.answer());
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(result));
        root.set("usage", usage(result));
        return root;
    }

    /** The first chunk: the assistant role, no content yet. */
    public ObjectNode roleChunk() {
        ObjectNode chunk = chunk();
        ObjectNode delta = delta(chunk);
        delta.put("role", "assistant");
        delta.put("content", "");
        return chunk;
    }

    public ObjectNode contentChunk(String text) {
        ObjectNode chunk = chunk();
        delta(chunk).put("content", text);
        return chunk;
    }

    /** The chunk that ends the choice, with an empty delta. */
    public ObjectNode finishChunk(InferenceResult result) {
        ObjectNode chunk = chunk();
        delta(chunk);
        ((ObjectNode) chunk.get("choices").get(0)).put("finish_reason", finishReason(result));
        return chunk;
    }

    /** With stream_options.include_usage: the last chunk, no choices, the usage. */
    public ObjectNode usageChunk(InferenceResult result) {
        ObjectNode chunk = head("chat.completion.chunk");
        chunk.putArray("choices");
        chunk.set("usage", usage(result));
        return chunk;
    }

    /**
     * OpenAI's three counts, and the visual tokens through the reduction under {@code vscan}: those the vision
     * tower produced, those left after stage 1 (which the prompt count includes) and those the last decoder
     * layer saw.
     */
    static ObjectNode usage(InferenceResult result) {
        ObjectNode usage = MessageJson.mapper().createObjectNode();
        InferenceResult.TokenCounts t = result.tokens();
        int prompt = t == null ? 0 : t.prompt();
        int completion = t == null ? 0 : t.generated();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        if (t != null) {
            ObjectNode visual = usage.putObject("vscan");
            visual.put("visual_tokens_in", t.visualIn() == null ? t.visual() : t.visualIn());
            visual.put("visual_tokens_after_stage1", t.visual());
            visual.put("visual_tokens_after_stage2", t.visualAfterStage2() == null ? t.visual() : t.visualAfterStage2());
        }
        return usage;
    }

    private static String finishReason(InferenceResult result) {
        return result.finishReason() == null ? "stop" : result.finishReason().name();
    }

    private ObjectNode chunk() {
        ObjectNode chunk = head("chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return chunk;
    }

    private static ObjectNode delta(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0).get("delta");
    }

    private ObjectNode head(String object) {
        ObjectNode root = MessageJson.mapper().createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        root.putNull("system_fingerprint");
        return root;
    }

    /** GET /v1/models: the one model this service serves. */
    static ObjectNode models(String model, long created) {
        ObjectNode list = MessageJson.mapper().createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        data.add(model(model, created));
        return list;
    }

    static ObjectNode model(String model, long created) {
        ObjectNode m = MessageJson.mapper().createObjectNode();
        m.put("id", model);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "vscan");
        return m;
    }
}
