/**
 * Checks of the deployment files (k8s/, docker-compose.yml) against the application: every setting
 * they pass must be a configuration key the service knows. Plain JUnit; reads the files from the
 * repository and ServiceConfig by reflection, so it needs no Quarkus, Kafka or cluster.
 */
package dev.vscan.deploy;
