/**
 * Getting request inputs into the service: the HTTP ingest endpoint, the API keys that may guard it,
 * and the fetching of request images, inline base64 or from URLs under an address policy that keeps
 * the service off private networks.
 * May import Quarkus REST and the messaging records; the fetcher itself uses only the JDK's HTTP client.
 */
package dev.vscan.ingest;
