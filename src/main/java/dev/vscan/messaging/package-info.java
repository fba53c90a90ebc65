/**
 * The Kafka side of the service: the message records on the request, result, telemetry and
 * dead-letter topics, their JSON form, the reactive request consumer, the publishers, and the
 * in-process broker of the embedded default (optionally behind SASL logins). May import Quarkus,
 * SmallRye Reactive Messaging and Kafka.
 */
package dev.vscan.messaging;
