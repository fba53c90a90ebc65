package dev.vscan.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An error body in the RFC 7807 shape ({@code application/problem+json}), extended with the stable
 * {@code code} clients match on (the same codes as {@code invalid} results on the result topic) and
 * the request {@code id} when one was known.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code, String id) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** Problem types are documented per code under this base. */
    public static final String TYPE_BASE = "https://vscan.dev/problems/";

    public static Problem of(int status, String title, String code, String detail, String id) {
        return new Problem(TYPE_BASE + code, title, status, detail, code, id);
    }
}
