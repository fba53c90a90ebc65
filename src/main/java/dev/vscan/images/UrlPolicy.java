package dev.vscan.images;

import dev.vscan.model.image.ImageLimits;
import java.time.Duration;

/**
 * How images are fetched.
 *
 * @param allowPrivateAddresses whether URLs may reach loopback, private, link-local and similar addresses;
 *                              off in production, where such a URL could reach internal services (SSRF)
 * @param timeout               the longest one image may take to fetch, connect, redirects and body included
 * @param maxBytes              largest accepted image, inline (after base64 decoding) or fetched
 * @param maxRedirects          redirects followed per image; 0 refuses any redirect
 */
public record UrlPolicy(boolean allowPrivateAddresses, Duration timeout, long maxBytes, int maxRedirects) {

    /** Redirect chains longer than this are loops or abuse, not image hosting. */
    public static final int MAX_REDIRECTS_LIMIT = 10;

    public UrlPolicy {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be a positive duration, got " + timeout);
        }
        if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes must be within 1.." + (Integer.MAX_VALUE - 8)
                    + " (it is held in one array), got " + maxBytes);
        }
        if (maxRedirects < 0 || maxRedirects > MAX_REDIRECTS_LIMIT) {
            throw new IllegalArgumentException("maxRedirects must be within 0.." + MAX_REDIRECTS_LIMIT + ", got "
                    + maxRedirects);
        }
    }

    /** Public addresses only, 10 s per image, the image decoder's 20 MiB, 3 redirects. */
    public static UrlPolicy defaults() {
        return new UrlPolicy(false, Duration.ofSeconds(10), ImageLimits.DEFAULT_MAX_BYTES, 3);
    }

    public UrlPolicy withAllowPrivateAddresses(boolean allow) {
        return new UrlPolicy(allow, timeout, maxBytes, maxRedirects);
    }
}
