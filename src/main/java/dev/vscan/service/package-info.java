/**
 * The wiring: reads the core's configuration, builds the serving core (model repository, parser, image
 * fetcher, admission, inference service) as CDI beans for the adapters, and starts and stops it. Depends
 * on the core; no adapter depends on it.
 */
package dev.vscan.service;
