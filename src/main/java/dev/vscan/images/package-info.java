/**
 * Where a request's images come from: inline base64 or an http(s) URL fetched under the URL policy
 * (scheme, size, redirects, and only public addresses unless allowed). Used by the Kafka and the HTTP path.
 */
package dev.vscan.images;
