package dev.vscan.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A request on the request topic: images (inline base64 or a URL) and either a prompt with one
 * {@code <image>} placeholder per image or none (then the images go first), or a conversation
 * ({@code messages}) whose image parts take the images in order; and options.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceRequest(String id, List<ImageInput> images, String prompt, RequestOptions options,
        List<Message> messages) {

    /** A request with a single prompt, the form most producers send. */
    public InferenceRequest(String id, List<ImageInput> images, String prompt, RequestOptions options) {
        this(id, images, prompt, options, null);
    }

    /** One image: exactly one of {@code data} (base64) and {@code url}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ImageInput(String data, String url) {}

    /** One turn of a conversation: {@code system}, {@code user} or {@code assistant}, and its parts in order. */
    public record Message(String role, List<Part> content) {}

    /** A text part ({@code type} text, with {@code text}) or the place of the next image ({@code type} image). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Part(String type, String text) {

        public static final String TEXT = "text";
        public static final String IMAGE = "image";

        public static Part text(String text) {
            return new Part(TEXT, text);
        }

        public static Part image() {
            return new Part(IMAGE, null);
        }
    }

    /**
     * Generation and reduction settings; every field optional. {@code stream} asks for the text on the
     * stream topic as it is generated; {@code stop} ends the answer before the first of these strings.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RequestOptions(Integer maxNewTokens, Double temperature, Double topP, Long seed, String reduction,
            Integer budget, Integer r1, Integer r2, Integer layer, String positions, Double r1Ratio, Double r2Ratio,
            Double fraction, Boolean stream, List<String> stop) {

        /** Options without streaming or stop strings. */
        public RequestOptions(Integer maxNewTokens, Double temperature, Double topP, Long seed, String reduction,
                Integer budget, Integer r1, Integer r2, Integer layer, String positions, Double r1Ratio,
                Double r2Ratio, Double fraction) {
            this(maxNewTokens, temperature, topP, seed, reduction, budget, r1, r2, layer, positions, r1Ratio, r2Ratio,
                    fraction, null, null);
        }

        public static RequestOptions defaults() {
            return new RequestOptions(null, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        public boolean streams() {
            return Boolean.TRUE.equals(stream);
        }

        public List<String> stopStrings() {
            return stop == null ? List.of() : stop;
        }
    }
}
