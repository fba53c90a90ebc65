package dev.vscan.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vscan.wire.InferenceRequest.ImageInput;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.InvalidRequestException.Code;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImageFetcherTest {

    /** The first bytes of a PNG file, enough to tell the bytes came through unchanged. */
    private static final byte[] PNG_HEAD = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};

    private static final UrlPolicy LOCAL = new UrlPolicy(true, Duration.ofSeconds(5), 1024, 3);

    /** Production's address rule, with a short timeout for the one test that connects to a public address. */
    private static final UrlPolicy PUBLIC_ONLY = new UrlPolicy(false, Duration.ofMillis(500), 1024, 3);

    /** TEST-NET-1 (RFC 5737): public by the rules, reserved for documentation, so a connection reaches no one. */
    private static final String UNROUTED_PUBLIC = "192.0.2.1";

    private HttpServer server;
    private ExecutorService serverThreads;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/image.png", exchange -> reply(exchange, 200, PNG_HEAD));
        server.createContext("/missing.png", exchange -> reply(exchange, 404, "no such image".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/moved.png", exchange -> {
            exchange.getResponseHeaders().add("Location", "/image.png");
            reply(exchange, 302, new byte[0]);
        });
        server.createContext("/loop.png", exchange -> {
            exchange.getResponseHeaders().add("Location", "/loop.png");
            reply(exchange, 301, new byte[0]);
        });
        server.createContext("/to-ftp.png", exchange -> {
            exchange.getResponseHeaders().add("Location", "ftp://127.0.0.1/image.png");
            reply(exchange, 302, new byte[0]);
        });
        server.createContext("/to-internal.png", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://internal.test:" + port() + "/image.png");
            reply(exchange, 302, new byte[0]);
        });
        server.createContext("/huge-chunked.png", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, 0); // chunked: no Content-Length to trust
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 64; i++) {
                    out.write(new byte[256]);
                }
            } catch (IOException clientHungUp) {
                // expected once the fetcher stops reading
            }
        });
        server.createContext("/huge-declared.png", exchange -> reply(exchange, 200, new byte[4096]));
        server.createContext("/slow.png", exchange -> {
            requests.incrementAndGet();
            try {
                Thread.sleep(3_000);
                reply(exchange, 200, PNG_HEAD);
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            } catch (IOException clientGone) {
                // the fetcher gave up first, as it should
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        requests.incrementAndGet();
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** A DNS that knows only these names, each answering the given addresses (IP literals, so no lookup). */
    private static CheckingDnsResolver.Lookup dns(Map<String, List<String>> answers) {
        return host -> {
            List<String> answer = answers.get(host);
            if (answer == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] addresses = new InetAddress[answer.size()];
            for (int i = 0; i < addresses.length; i++) {
                addresses[i] = InetAddress.getByName(answer.get(i));
            }
            return addresses;
        };
    }

    private static InvalidRequestException refused(Code code, ImageFetcher fetcher, ImageInput image) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> fetcher.fetch(image));
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    // ---- inline data ----

    @Test
    void base64DataDecodesToTheOriginalBytes() {
        ImageFetcher fetcher = new ImageFetcher(LOCAL);
        // "iVBORw0KGgoAAAAN" is the base64 of the 12 PNG header bytes
        assertArrayEquals(PNG_HEAD, fetcher.fetch(new ImageInput("iVBORw0KGgoAAAAN", null)));
    }

    @Test
    void dataUrlPrefixAndLineBreaksAreAccepted() {
        ImageFetcher fetcher = new ImageFetcher(LOCAL);
        assertArrayEquals(PNG_HEAD, fetcher.fetch(new ImageInput("data:image/png;base64,iVBORw0KGgoAAAAN", null)));
        assertArrayEquals(PNG_HEAD, fetcher.fetch(new ImageInput("iVBORw0K\r\nGgoAAAAN\n", null)));
    }

    @Test
    void badBase64IsUndecodable() {
        ImageFetcher fetcher = new ImageFetcher(LOCAL);
        InvalidRequestException e = refused(Code.IMAGE_UNDECODABLE, fetcher, new ImageInput("not*base64!", null));
        assertTrue(e.getMessage().contains("not valid base64"), e.getMessage());
        refused(Code.IMAGE_UNDECODABLE, fetcher, new ImageInput("data:image/png,rawbytes", null));
        refused(Code.IMAGE_UNDECODABLE, fetcher, new ImageInput("data:image/png;base64,", null));
    }

    @Test
    void base64OverTheCapIsTooLargeBeforeDecoding() {
        ImageFetcher fetcher = new ImageFetcher(LOCAL);
        // 1368 symbols decode to 1026 bytes, 2 over the 1024-byte cap; '!' would fail decoding, so the size check ran first
        String encoded = "A".repeat(1367) + "!";
        InvalidRequestException e = refused(Code.IMAGE_TOO_LARGE, fetcher, new ImageInput(encoded, null));
        assertTrue(e.getMessage().contains("1026 bytes; the limit is 1024 bytes"), e.getMessage());
        // exactly at the cap passes: 1024 bytes encode as 1366 symbols and "=="
        byte[] exact = new byte[1024];
        assertArrayEquals(exact, fetcher.fetch(new ImageInput(Base64.getEncoder().encodeToString(exact), null)));
    }

    @Test
    void anImageNeedsExactlyOneSource() {
        ImageFetcher fetcher = new ImageFetcher(LOCAL);
        refused(Code.SCHEMA_VIOLATION, fetcher, new ImageInput("iVBORw0KGgoAAAAN", url("/image.png")));
        refused(Code.SCHEMA_VIOLATION, fetcher, new ImageInput(null, null));
    }

    // ---- URLs ----

    @Test
    void loopbackIsRefusedByDefaultBeforeAnyRequest() {
        ImageFetcher fetcher = new ImageFetcher(UrlPolicy.defaults());
        InvalidRequestException e = refused(Code.IMAGE_URL_REFUSED, fetcher, new ImageInput(null, url("/image.png")));
        assertTrue(e.getMessage().contains("127.0.0.1, a loopback address"), e.getMessage());
        String localhost = "http://localhost:" + server.getAddress().getPort() + "/image.png";
        refused(Code.IMAGE_URL_REFUSED, fetcher, new ImageInput(null, localhost));
        assertEquals(0, requests.get(), "no request may reach the server");
    }

    @Test
    void allowedPrivateAddressFetchesTheBody() {
        assertArrayEquals(PNG_HEAD, new ImageFetcher(LOCAL).fetch(new ImageInput(null, url("/image.png"))));
        assertEquals(1, requests.get());
    }

    @Test
    void notFoundIsUnreachableWithTheStatus() {
        InvalidRequestException e = refused(Code.IMAGE_URL_UNREACHABLE, new ImageFetcher(LOCAL),
                new ImageInput(null, url("/missing.png")));
        assertTrue(e.getMessage().endsWith("answered HTTP 404"), e.getMessage());
    }

    @Test
    void chunkedBodyOverTheCapIsTooLarge() {
        InvalidRequestException e = refused(Code.IMAGE_TOO_LARGE, new ImageFetcher(LOCAL),
                new ImageInput(null, url("/huge-chunked.png")));
        assertTrue(e.getMessage().contains("more than 1024 bytes; the limit is 1024 bytes"), e.getMessage());
    }

    @Test
    void declaredLengthOverTheCapIsTooLarge() {
        InvalidRequestException e = refused(Code.IMAGE_TOO_LARGE, new ImageFetcher(LOCAL),
                new ImageInput(null, url("/huge-declared.png")));
        assertTrue(e.getMessage().contains("Content-Length of 4096 bytes"), e.getMessage());
    }

    @Test
    void slowServerTimesOutAsUnreachable() {
        ImageFetcher fetcher = new ImageFetcher(new UrlPolicy(true, Duration.ofMillis(300), 1024, 3));
        long start = System.nanoTime();
        InvalidRequestException e = refused(Code.IMAGE_URL_UNREACHABLE, fetcher, new ImageInput(null, url("/slow.png")));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("did not deliver within 300 ms"), e.getMessage());
        assertTrue(tookMs < 2_500, "gave up after " + tookMs + " ms, not at the 300 ms deadline");
    }

    @Test
    void redirectToAnotherPathIsFollowed() {
        assertArrayEquals(PNG_HEAD, new ImageFetcher(LOCAL).fetch(new ImageInput(null, url("/moved.png"))));
        assertEquals(2, requests.get(), "the redirect and its target");
    }

    @Test
    void redirectLoopStopsAtTheLimit() {
        InvalidRequestException e = refused(Code.IMAGE_URL_UNREACHABLE, new ImageFetcher(LOCAL),
                new ImageInput(null, url("/loop.png")));
        assertTrue(e.getMessage().contains("redirects more than 3 times"), e.getMessage());
        assertEquals(4, requests.get(), "the first request and 3 redirects");
    }

    @Test
    void redirectIsCheckedLikeTheFirstUrl() {
        refused(Code.IMAGE_URL_REFUSED, new ImageFetcher(LOCAL), new ImageInput(null, url("/to-ftp.png")));
        assertEquals(1, requests.get());
    }

    @Test
    void onlyHttpAndHttpsAreFetched() {
        InvalidRequestException e = refused(Code.IMAGE_URL_REFUSED, new ImageFetcher(LOCAL),
                new ImageInput(null, "ftp://127.0.0.1/image.png"));
        assertTrue(e.getMessage().contains("only http and https"), e.getMessage());
        refused(Code.IMAGE_URL_REFUSED, new ImageFetcher(LOCAL), new ImageInput(null, "file:///etc/passwd"));
        refused(Code.IMAGE_URL_REFUSED, new ImageFetcher(LOCAL), new ImageInput(null, "http://bad host/x"));
    }

    @Test
    void closedPortIsUnreachable() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        refused(Code.IMAGE_URL_UNREACHABLE, new ImageFetcher(LOCAL),
                new ImageInput(null, "http://127.0.0.1:" + closedPort + "/image.png"));
    }

    @Test
    void fetchAllNamesTheFailingImage() {
        ImageFetcher fetcher = new ImageFetcher(LOCAL);
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> fetcher.fetchAll(List.of(
                new ImageInput("iVBORw0KGgoAAAAN", null), new ImageInput(null, url("/missing.png")))));
        assertEquals(Code.IMAGE_URL_UNREACHABLE, e.code());
        assertTrue(e.getMessage().startsWith("images[1]: "), e.getMessage());
        assertEquals(2, fetcher.fetchAll(List.of(new ImageInput("iVBORw0KGgoAAAAN", null),
                new ImageInput(null, url("/image.png")))).size());
    }

    // ---- addresses, with a scripted DNS ----

    @Test
    void aNameIsConnectedToTheAddressItsLookupAnswered() {
        // images.test exists in no real DNS: the fetch succeeds only if the client connects where the lookup said
        ImageFetcher fetcher = new ImageFetcher(LOCAL, dns(Map.of("images.test", List.of("127.0.0.1"))),
                PrivateAddresses::kindOf);
        assertArrayEquals(PNG_HEAD, fetcher.fetch(new ImageInput(null, "http://images.test:" + port() + "/image.png")));
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefusedWithoutConnecting() {
        ImageFetcher fetcher = new ImageFetcher(PUBLIC_ONLY, dns(Map.of("internal.test", List.of("127.0.0.1"))),
                PrivateAddresses::kindOf);
        InvalidRequestException e = refused(Code.IMAGE_URL_REFUSED, fetcher,
                new ImageInput(null, "http://internal.test:" + port() + "/image.png"));
        assertTrue(e.getMessage().contains("host internal.test resolves to 127.0.0.1, a loopback address"),
                e.getMessage());
        assertEquals(0, requests.get(), "no request may reach the server");
    }

    @Test
    void oneNonPublicAnswerRefusesTheWholeHost() {
        ImageFetcher fetcher = new ImageFetcher(PUBLIC_ONLY, dns(Map.of(
                "metadata.test", List.of(UNROUTED_PUBLIC, "169.254.169.254"),
                "nat64.test", List.of("64:ff9b::7f00:1"))), PrivateAddresses::kindOf);
        InvalidRequestException e = refused(Code.IMAGE_URL_REFUSED, fetcher,
                new ImageInput(null, "http://metadata.test/latest/meta-data/"));
        assertTrue(e.getMessage().contains("169.254.169.254, a link-local address"), e.getMessage());
        e = refused(Code.IMAGE_URL_REFUSED, fetcher, new ImageInput(null, "http://nat64.test/image.png"));
        assertTrue(e.getMessage().contains("loopback, inside a NAT64 IPv6 address"), e.getMessage());
    }

    @Test
    void aRebindingDnsCannotSteerTheConnectionToLoopback() {
        // public on the first lookup, the local server on every later one: a fetcher that checked one answer
        // and connected with another would reach the server
        AtomicInteger lookups = new AtomicInteger();
        InetAddress local = server.getAddress().getAddress();
        CheckingDnsResolver.Lookup rebinding = host -> new InetAddress[] {
                lookups.getAndIncrement() == 0 ? InetAddress.getByName(UNROUTED_PUBLIC) : local};
        ImageFetcher fetcher = new ImageFetcher(PUBLIC_ONLY, rebinding, PrivateAddresses::kindOf);
        try {
            fetcher.fetch(new ImageInput(null, "http://rebinding.test:" + port() + "/image.png"));
            fail("the fetch can only succeed by reaching the local server");
        } catch (InvalidRequestException e) {
            // no route to 192.0.2.1 here, or a timeout where there is one; refused if the answer were re-checked
            assertTrue(e.code() == Code.IMAGE_URL_UNREACHABLE || e.code() == Code.IMAGE_URL_REFUSED, e.getMessage());
        }
        assertEquals(0, requests.get(), "the local server must see no request");
        assertEquals(1, lookups.get(), "the checked answer is the one connected to, without a second lookup");
    }

    @Test
    void aRedirectHopIsResolvedAndCheckedLikeTheFirstUrl() {
        // the test server stands in for a public image host: its address passes, every other is judged as in production
        InetAddress standIn = server.getAddress().getAddress();
        Function<InetAddress, Optional<String>> check =
                address -> address.equals(standIn) ? Optional.empty() : PrivateAddresses.kindOf(address);
        ImageFetcher fetcher = new ImageFetcher(PUBLIC_ONLY, dns(Map.of(
                "images.test", List.of(standIn.getHostAddress()),
                "internal.test", List.of("127.0.0.2"))), check);
        String images = "http://images.test:" + port();
        assertArrayEquals(PNG_HEAD, fetcher.fetch(new ImageInput(null, images + "/image.png")));

        InvalidRequestException e = refused(Code.IMAGE_URL_REFUSED, fetcher,
                new ImageInput(null, images + "/to-internal.png"));
        assertTrue(e.getMessage().contains("host internal.test resolves to 127.0.0.2, a loopback address"),
                e.getMessage());
        assertEquals(2, requests.get(), "the image and the redirect, nothing after the redirect");
    }
}
