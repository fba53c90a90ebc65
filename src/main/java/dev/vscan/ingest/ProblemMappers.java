package dev.vscan.ingest;

import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.MessageJson;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error of the HTTP API as an RFC 7807 problem body with a stable code. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return respond(Problem.of(400, "Bad Request", e.wireCode(), e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response refused(ProblemException e) {
        return respond(e);
    }

    /** Framework errors (unknown path, wrong method or media type, body over the size limit). */
    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        String code = type == null ? "http_" + status
                : title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        return respond(Problem.of(status, title, code, e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("request failed", e);
        return respond(Problem.of(500, "Internal Server Error", "internal_error", String.valueOf(e.getMessage()), null));
    }

    /** The problem response of a refusal, with its headers (Retry-After, WWW-Authenticate). */
    static Response respond(ProblemException e) {
        Response.ResponseBuilder r = builder(e.problem());
        e.headers().forEach(r::header);
        return r.build();
    }

    static Response respond(Problem problem) {
        return builder(problem).build();
    }

    private static Response.ResponseBuilder builder(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(MessageJson.write(problem));
    }
}
