/**
 * The application that ties the pieces together: configuration, the model replicas and their
 * warm-up, turning consumed records into engine requests and engine outputs into results and
 * telemetry. Uses Quarkus CDI; the engine itself stays in dev.vscan.model.
 */
package dev.vscan.service;
