package dev.vscan.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A request on the request topic: images (inline base64 or a URL), a prompt with one
 * {@code <image>} placeholder per image or none (then the images go first), and options.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceRequest(String id, List<ImageInput> images, String prompt, RequestOptions options) {

    /** One image: exactly one of {@code data} (base64) and {@code url}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ImageInput(String data, String url) {}

    /** Generation and reduction settings; every field optional. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RequestOptions(Integer maxNewTokens, Double temperature, Double topP, Long seed, String reduction,
            Integer budget, Integer r1, Integer r2, Integer layer, String positions, Double r1Ratio, Double r2Ratio,
            Double fraction) {

        public static RequestOptions defaults() {
            return new RequestOptions(null, null, null, null, null, null, null, null, null, null, null, null, null);
        }
    }
}
