package dev.vscan.images;

import dev.vscan.wire.InferenceRequest.ImageInput;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.InvalidRequestException.Code;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The encoded bytes of a request image: inline base64 (optionally a {@code data:} URL) is decoded, a URL is
 * fetched over http or https. Every failure is an {@link InvalidRequestException} whose code says whether
 * the image was too large, undecodable, refused by the address policy or unreachable.
 *
 * <p>URL hosts are resolved and checked before any connection, and again on every redirect, which is
 * followed here rather than by the HTTP client for that reason. The client resolves the name once more
 * when it connects, so a DNS server that answers differently the second time (DNS rebinding) is not
 * stopped by this check alone; deployments that must be sure also restrict egress at the network level.
 * No proxy is used, so the checked address is the one connected to.
 */
public final class ImageFetcher {

    private static final int MAX_SHOWN_URL = 200;

    private final UrlPolicy policy;
    private final HttpClient client;

    public ImageFetcher(UrlPolicy policy) {
        if (policy == null) {
            throw new IllegalArgumentException("a URL policy is required; use UrlPolicy.defaults()");
        }
        this.policy = policy;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(policy.timeout())
                .build();
    }

    public UrlPolicy policy() {
        return policy;
    }

    /** The encoded bytes of one image (PNG, JPEG... as sent; decoding them is the image decoder's job). */
    public byte[] fetch(ImageInput image) {
        if (image == null) {
            throw new IllegalArgumentException("image must not be null");
        }
        if ((image.data() == null) == (image.url() == null)) {
            throw new InvalidRequestException(Code.SCHEMA_VIOLATION, "an image needs exactly one of data and url");
        }
        return image.data() != null ? decodeBase64(image.data()) : fetchUrl(image.url());
    }

    /** The bytes of every image in order; a failure's message starts with the image's index, e.g. "images[2]: ". */
    public List<byte[]> fetchAll(List<ImageInput> images) {
        List<byte[]> bytes = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            try {
                bytes.add(fetch(images.get(i)));
            } catch (InvalidRequestException e) {
                throw new InvalidRequestException(e.code(), "images[" + i + "]: " + e.getMessage(), e);
            }
        }
        return bytes;
    }

    // ---- inline data ----

    private byte[] decodeBase64(String data) {
        int start = 0;
        if (data.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = data.indexOf(',');
            if (comma < 0 || !data.substring(5, comma).toLowerCase(Locale.ROOT).endsWith(";base64")) {
                throw new InvalidRequestException(Code.IMAGE_UNDECODABLE,
                        "image data URL must be base64-encoded: data:<media type>;base64,<data>");
            }
            start = comma + 1;
        }
        // count before allocating anything, so an oversized value costs one pass and no copy
        long symbols = 0;
        boolean whitespace = false;
        boolean urlSafe = false;
        for (int i = start; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                whitespace = true;
            } else if (c != '=') {
                urlSafe |= c == '-' || c == '_';
                symbols++;
            }
        }
        if (symbols == 0) {
            throw new InvalidRequestException(Code.IMAGE_UNDECODABLE, "image data is empty");
        }
        long decodedBytes = symbols * 3 / 4;
        if (decodedBytes > policy.maxBytes()) {
            throw new InvalidRequestException(Code.IMAGE_TOO_LARGE, "image data decodes to " + decodedBytes
                    + " bytes; the limit is " + policy.maxBytes() + " bytes");
        }
        String encoded = data.substring(start);
        if (whitespace) {
            // producers that wrap lines at 76 characters (MIME) are common; the basic decoder refuses breaks
            encoded = encoded.replaceAll("[ \\t\\r\\n]", "");
        }
        try {
            return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(Code.IMAGE_UNDECODABLE, "image data is not valid base64: "
                    + e.getMessage(), e);
        }
    }

    // ---- URLs ----

    private byte[] fetchUrl(String url) {
        URI uri = parseUrl(url);
        long deadline = System.nanoTime() + policy.timeout().toNanos();
        for (int redirects = 0; ; redirects++) {
            checkAllowed(uri);
            HttpResponse<byte[]> response = exchange(uri, deadline);
            int status = response.statusCode();
            if (isRedirect(status)) {
                if (redirects == policy.maxRedirects()) {
                    throw new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(url)
                            + " redirects more than " + policy.maxRedirects() + " times");
                }
                uri = redirectTarget(uri, response);
            } else if (status < 200 || status > 299) {
                throw new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(uri.toString())
                        + " answered HTTP " + status);
            } else {
                return response.body();
            }
        }
    }

    private static URI parseUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new InvalidRequestException(Code.IMAGE_URL_REFUSED, "image URL " + shown(url) + " is not a valid URL: "
                    + e.getReason(), e);
        }
        return uri;
    }

    /** Scheme and every address the host resolves to, before anything is sent. */
    private void checkAllowed(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidRequestException(Code.IMAGE_URL_REFUSED, "image URL " + shown(uri.toString())
                    + " is refused: only http and https URLs are fetched");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new InvalidRequestException(Code.IMAGE_URL_REFUSED, "image URL " + shown(uri.toString())
                    + " is refused: it names no host");
        }
        if (policy.allowPrivateAddresses()) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(uri.toString())
                    + " is unreachable: host " + host + " does not resolve", e);
        }
        for (InetAddress address : addresses) {
            Optional<String> kind = PrivateAddresses.kindOf(address);
            if (kind.isPresent()) {
                throw new InvalidRequestException(Code.IMAGE_URL_REFUSED, "image URL " + shown(uri.toString())
                        + " is refused: host " + host + " resolves to " + address.getHostAddress() + ", a " + kind.get()
                        + " address, and this service fetches from public addresses only");
            }
        }
    }

    private HttpResponse<byte[]> exchange(URI uri, long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw timedOut(uri, null);
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(java.time.Duration.ofNanos(remaining))
                .header("Accept", "image/*")
                .GET()
                .build();
        CappedBodyHandler handler = new CappedBodyHandler(policy.maxBytes());
        CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(request, handler);
        try {
            return pending.get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            handler.abandon();
            throw timedOut(uri, e);
        } catch (InterruptedException e) {
            pending.cancel(true);
            handler.abandon();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching image URL " + shown(uri.toString()), e);
        } catch (ExecutionException e) {
            throw failed(uri, e.getCause());
        }
    }

    private InvalidRequestException failed(URI uri, Throwable cause) {
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CappedBodyHandler.BodyTooLargeException tooLarge) {
            return new InvalidRequestException(Code.IMAGE_TOO_LARGE, "image URL " + shown(uri.toString())
                    + " returned " + tooLarge.describe() + "; the limit is " + policy.maxBytes() + " bytes", cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return timedOut(uri, cause);
        }
        String what = cause instanceof IOException ? cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) : String.valueOf(cause);
        return new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(uri.toString())
                + " is unreachable: " + what, cause);
    }

    private InvalidRequestException timedOut(URI uri, Throwable cause) {
        return new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(uri.toString())
                + " did not deliver within " + policy.timeout().toMillis() + " ms", cause);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI redirectTarget(URI from, HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() -> new InvalidRequestException(
                Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(from.toString()) + " answered HTTP "
                        + response.statusCode() + " without a Location to redirect to"));
        try {
            return from.resolve(new URI(location));
        } catch (URISyntaxException e) {
            throw new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(from.toString())
                    + " redirects to an invalid URL " + shown(location), e);
        }
    }

    private static String shown(String url) {
        return url.length() <= MAX_SHOWN_URL ? url : url.substring(0, MAX_SHOWN_URL) + "...";
    }
}
