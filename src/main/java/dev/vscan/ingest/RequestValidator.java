package dev.vscan.ingest;

import dev.vscan.core.RequestParser;
import dev.vscan.core.RequestPreparer;
import dev.vscan.images.ImageFetcher;
import dev.vscan.model.image.ImageDecoder;
import dev.vscan.model.image.InvalidImageException;
import dev.vscan.wire.InferenceRequest;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.InvalidRequestException.Code;
import dev.vscan.wire.MessageJson;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the HTTP ingest checks before a request goes to the request topic, so that a client hears
 * about a bad request at once instead of through an {@code invalid} result: everything the workers'
 * parser checks, and that every inline image decodes within the limits. URL images are not fetched
 * here (the workers do, under their fetch policy); only their scheme and host are checked.
 */
public final class RequestValidator {

    private final RequestParser parser;
    private final ImageFetcher inlineImages;
    private final ImageDecoder decoder;

    /** @param inlineImages used for inline images only: it decodes base64 under the byte limit */
    public RequestValidator(RequestParser parser, ImageFetcher inlineImages, ImageDecoder decoder) {
        this.parser = parser;
        this.inlineImages = inlineImages;
        this.decoder = decoder;
    }

    /**
     * Parses and checks a request body.
     *
     * @param headerId the HTTP X-Request-Id header, or null; the body's id wins over it
     * @throws InvalidRequestException   when the body itself is refused (no id known yet)
     * @throws ProblemException          when an image is refused; the problem names the resolved id
     */
    public RequestParser.ParsedRequest validate(byte[] body, String headerId) {
        RequestParser.ParsedRequest parsed;
        try {
            parsed = parser.parse(body, null, headerId == null ? Map.of() : Map.of(RequestParser.REQUEST_ID_HEADER, headerId));
        } catch (InvalidRequestException e) {
            throw ProblemException.invalid(e, claimedId(body, headerId));
        }
        try {
            checkImages(parsed.request().images());
        } catch (InvalidRequestException e) {
            throw ProblemException.invalid(e, parsed.id());
        }
        return parsed;
    }

    private void checkImages(List<InferenceRequest.ImageInput> images) {
        for (int i = 0; i < images.size(); i++) {
            InferenceRequest.ImageInput image = images.get(i);
            if (image.data() != null) {
                decodeInline(i, image);
            } else {
                checkUrl(i, image.url());
            }
        }
    }

    private void decodeInline(int index, InferenceRequest.ImageInput image) {
        byte[] bytes = inlineImages.fetch(image);
        try {
            decoder.decodeAsStored(bytes);
        } catch (InvalidImageException e) {
            throw RequestPreparer.refusal(index, e);
        }
    }

    /** Static only: resolving the host here would make the ingest an SSRF probe of its own network. */
    static void checkUrl(int index, String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new InvalidRequestException(Code.IMAGE_URL_REFUSED, "image " + index + ": URL scheme '"
                        + scheme + "' is not allowed; use http or https");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new InvalidRequestException(Code.IMAGE_URL_REFUSED, "image " + index + ": URL " + url
                        + " has no host");
            }
        } catch (URISyntaxException e) {
            throw new InvalidRequestException(Code.IMAGE_URL_REFUSED, "image " + index + ": not a valid URL: "
                    + e.getMessage(), e);
        }
    }

    /** The id a refused body or header claimed, when it is a valid id; for the problem body only. */
    private static String claimedId(byte[] body, String headerId) {
        try {
            var id = MessageJson.tree(body).path("id");
            if (id.isTextual() && RequestParser.isValidId(id.asText())) {
                return id.asText();
            }
        } catch (RuntimeException notJson) {
            // fall back to the header
        }
        return RequestParser.isValidId(headerId) ? headerId : null;
    }
}
