/**
 * The OpenAI-compatible face of the HTTP ingest: POST /v1/chat/completions and GET /v1/models, as Vert.x
 * routes (server-sent events need the status and headers decided late). A chat request becomes a wire
 * request on the request topic like any producer's; its answer comes back through the result topic, its
 * streamed text through the stream topic. May import the ingest, the wire records and Vert.x.
 */
package dev.vscan.ingest.openai;
