package dev.vscan.core;

/** What an instance does: everything (one machine), HTTP only (no model), or consume and infer. */
public enum ServingRole {
    all, ingest, worker;

    public boolean runsModel() {
        return this != ingest;
    }

    public boolean servesHttp() {
        return this != worker;
    }
}
