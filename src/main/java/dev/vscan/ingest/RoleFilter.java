package dev.vscan.ingest;

import dev.vscan.core.ServingRole;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** A worker instance serves only health and metrics: the request API answers 404 there. */
public class RoleFilter {

    // Looked up per request: the filter is built before runtime configuration is available.
    @Inject
    Instance<ServingRole> role;

    @ServerRequestFilter
    public Response onlyOnIngest(ContainerRequestContext request) {
        if (role.get().servesHttp() || !request.getUriInfo().getPath().startsWith("/v1/")) {
            return null;
        }
        return Response.status(404).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(404, "Not served by a worker", "wrong_role",
                        "this instance runs vscan.role=worker; send requests to an ingest instance", null))
                .build();
    }
}
