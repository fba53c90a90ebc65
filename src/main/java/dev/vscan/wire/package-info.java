/**
 * The records on the topics (requests, results, answer streams, telemetry, dead letters), their JSON and their schemas.
 * Plain data; every other package may read and write it.
 */
package dev.vscan.wire;
