package dev.vscan.ingest;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * With vscan.ingest.api-keys-file set, a request to the API must carry one of its keys, as
 * {@code Authorization: Bearer KEY} or {@code X-API-Key: KEY}; otherwise 401 with a problem body.
 * The filter sees matched JAX-RS requests only, which are the API under /v1/: Quarkus serves /q/
 * (health, metrics, OpenAPI) outside JAX-RS, so those stay open, and no spelling of a path slips past.
 * The OpenAI routes (/v1/chat/completions, /v1/models) are Vert.x routes and ask {@link ApiKeys} themselves.
 */
public class ApiKeyFilter {

    public static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "bearer ";

    // Looked up per request: the filter is built before runtime configuration is available.
    @Inject
    Instance<ApiKeys> keys;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Response requireApiKey(ContainerRequestContext request) {
        return keys.get().refusal(request.getHeaderString(HttpHeaders.AUTHORIZATION),
                request.getHeaderString(API_KEY_HEADER)).map(ProblemMappers::respond).orElse(null);
    }

    /** The bearer token of an Authorization header, else the X-API-Key header; blank counts as absent. */
    static Optional<String> presentedKey(String authorization, String apiKeyHeader) {
        if (authorization != null && authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            String token = authorization.substring(BEARER.length()).strip();
            if (!token.isEmpty()) {
                return Optional.of(token);
            }
        }
        return Optional.ofNullable(apiKeyHeader).map(String::strip).filter(key -> !key.isEmpty());
    }
}
