package dev.vscan.images;

import dev.vscan.wire.InferenceRequest.ImageInput;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.InvalidRequestException.Code;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;
import org.apache.hc.core5.util.Timeout;

/**
 * The encoded bytes of a request image: inline base64 (optionally a {@code data:} URL) is decoded, a URL is
 * fetched over http or https. Every failure is an {@link InvalidRequestException} whose code says whether
 * the image was too large, undecodable, refused by the address policy or unreachable.
 *
 * <p>The HTTP client turns host names into addresses only through a {@link CheckingDnsResolver}, once per
 * connection, and connects to exactly the addresses it checked; a DNS answer that changes between check and
 * connect (DNS rebinding) therefore reaches nothing, and neither does a URL that this class and the client
 * would parse differently. Redirects are followed here, not by the client, so that every hop's scheme is
 * checked too. No proxy is used, no cookies are kept (they would come from hosts that users choose), and
 * bodies are not content-decoded, so the byte limit counts what the host sent.
 */
public final class ImageFetcher {

    private static final int MAX_SHOWN_URL = 200;

    /** Concurrent fetches, per host and in all; workers fetch a few at a time, so this is never the wait. */
    private static final int MAX_CONNECTIONS = 64;

    /** Ends a fetch at its deadline; the client's timeouts bound each connect and read, not their sum. */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlineTimer();

    private final UrlPolicy policy;
    private final CloseableHttpClient client;

    public ImageFetcher(UrlPolicy policy) {
        this(policy, InetAddress::getAllByName, PrivateAddresses::kindOf);
    }

    /**
     * A fetcher whose DNS is {@code lookup} and whose address check is {@code nonPublicKind} (production:
     * {@link PrivateAddresses#kindOf}), so tests can script both; {@code allowPrivateAddresses} accepts every
     * address whatever the check says.
     */
    ImageFetcher(UrlPolicy policy, CheckingDnsResolver.Lookup lookup,
            Function<InetAddress, Optional<String>> nonPublicKind) {
        if (policy == null) {
            throw new IllegalArgumentException("a URL policy is required; use UrlPolicy.defaults()");
        }
        this.policy = policy;
        Function<InetAddress, Optional<String>> check =
                policy.allowPrivateAddresses() ? address -> Optional.empty() : nonPublicKind;
        // the builder's defaults already mean no proxy: useSystemProperties() is what would read one
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new CheckingDnsResolver(lookup, check))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(policy.timeout()))
                                .build())
                        .setMaxConnTotal(MAX_CONNECTIONS)
                        .setMaxConnPerRoute(MAX_CONNECTIONS)
                        .build())
                // a connection serves one fetch, so no socket stays open to a host a user chose
                .setConnectionReuseStrategy((request, response, context) -> false)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
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

    /** One response: its status, its Location header (null if none) and, for a 2xx status only, its body. */
    private record Answer(int status, String location, byte[] body) {
    }

    private byte[] fetchUrl(String url) {
        URI uri = parseUrl(url);
        long deadline = System.nanoTime() + policy.timeout().toNanos();
        for (int redirects = 0; ; redirects++) {
            checkScheme(uri);
            Answer answer = exchange(uri, deadline);
            if (isRedirect(answer.status())) {
                if (redirects == policy.maxRedirects()) {
                    throw new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(url)
                            + " redirects more than " + policy.maxRedirects() + " times");
                }
                uri = redirectTarget(uri, answer);
            } else if (answer.status() < 200 || answer.status() > 299) {
                throw new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(uri.toString())
                        + " answered HTTP " + answer.status());
            } else {
                return answer.body();
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

    /** Scheme and host; the host's addresses are checked by the resolver when the client connects. */
    private static void checkScheme(URI uri) {
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
    }

    /** One GET on a connection of its own, closed before returning. */
    private Answer exchange(URI uri, long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw timedOut(uri, null);
        }
        HttpGet request = new HttpGet(uri);
        request.setHeader("Accept", "image/*");
        // at least 1 ms: the client reads a 0 ms timeout as none
        Timeout left = Timeout.ofMilliseconds(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        request.setConfig(RequestConfig.custom().setConnectionRequestTimeout(left).setResponseTimeout(left).build());
        AtomicBoolean late = new AtomicBoolean();
        // cancelling closes the socket, which ends a connect or a slow read that would outlast the deadline
        ScheduledFuture<?> alarm = DEADLINES.schedule(() -> {
            late.set(true);
            request.cancel();
        }, remaining, TimeUnit.NANOSECONDS);
        ClassicHttpResponse response = null;
        try {
            response = client.executeOpen(null, request, null);
            int status = response.getCode();
            Header location = response.getFirstHeader("Location");
            byte[] body = status >= 200 && status <= 299 ? readCapped(uri, response.getEntity()) : null;
            return new Answer(status, location == null ? null : location.getValue(), body);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted while fetching image URL " + shown(uri.toString()), e);
            }
            throw late.get() ? timedOut(uri, e) : failed(uri, e);
        } finally {
            alarm.cancel(false);
            if (response != null) {
                closeNow(response);
            }
        }
    }

    /**
     * The body, counting what actually arrives: a Content-Length above the limit fails at once, but a
     * smaller or missing one is not trusted. Reading stops at the first byte past the limit.
     */
    private byte[] readCapped(URI uri, HttpEntity entity) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        long declared = entity.getContentLength();
        if (declared > policy.maxBytes()) {
            throw tooLarge(uri, "a Content-Length of " + declared + " bytes");
        }
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        // not closed here: closing reads the rest of the body, and closeNow drops the connection instead
        InputStream in = entity.getContent();
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            if (received.size() + (long) n > policy.maxBytes()) {
                throw tooLarge(uri, "more than " + policy.maxBytes() + " bytes");
            }
            received.write(chunk, 0, n);
        }
        return received.toByteArray();
    }

    /** Drops the connection; a graceful close would first read the rest of a body that may never end. */
    private static void closeNow(ClassicHttpResponse response) {
        if (response instanceof ModalCloseable modal) {
            modal.close(CloseMode.IMMEDIATE);
        } else {
            try {
                response.close();
            } catch (IOException ignored) {
                // the response is done with either way
            }
        }
    }

    private InvalidRequestException tooLarge(URI uri, String what) {
        return new InvalidRequestException(Code.IMAGE_TOO_LARGE, "image URL " + shown(uri.toString())
                + " returned " + what + "; the limit is " + policy.maxBytes() + " bytes");
    }

    private InvalidRequestException failed(URI uri, IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CheckingDnsResolver.NonPublicAddressException refused) {
                return new InvalidRequestException(Code.IMAGE_URL_REFUSED, "image URL " + shown(uri.toString())
                        + " is refused: " + refused.describe() + ", and this service fetches from public addresses only",
                        e);
            }
        }
        if (e instanceof UnknownHostException) {
            return new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(uri.toString())
                    + " is unreachable: host " + uri.getHost() + " does not resolve", e);
        }
        if (e instanceof InterruptedIOException) {
            // the client's connect and read timeouts
            return timedOut(uri, e);
        }
        return new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(uri.toString())
                + " is unreachable: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                + e.getMessage()), e);
    }

    private InvalidRequestException timedOut(URI uri, Throwable cause) {
        return new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(uri.toString())
                + " did not deliver within " + policy.timeout().toMillis() + " ms", cause);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI redirectTarget(URI from, Answer answer) {
        if (answer.location() == null) {
            throw new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(from.toString())
                    + " answered HTTP " + answer.status() + " without a Location to redirect to");
        }
        try {
            return from.resolve(new URI(answer.location()));
        } catch (URISyntaxException e) {
            throw new InvalidRequestException(Code.IMAGE_URL_UNREACHABLE, "image URL " + shown(from.toString())
                    + " redirects to an invalid URL " + shown(answer.location()), e);
        }
    }

    private static String shown(String url) {
        return url.length() <= MAX_SHOWN_URL ? url : url.substring(0, MAX_SHOWN_URL) + "...";
    }

    private static ScheduledThreadPoolExecutor deadlineTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "image-fetch-deadline");
            thread.setDaemon(true);
            return thread;
        });
        // most fetches end in time and cancel their alarm; drop it then rather than at its due time
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
