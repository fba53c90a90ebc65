package dev.vscan.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Everything under {@code vscan.} in application.properties, with the defaults of a one-machine start. */
@ConfigMapping(prefix = "vscan")
public interface ServiceConfig {

    /** Where the embedded broker and the built-in model keep their files; survives restarts. */
    @WithDefault("data")
    Path dataDir();

    /** all (one machine), ingest (HTTP only, no model) or worker (consume and infer). */
    @WithDefault("all")
    Role role();

    Model model();

    Kafka kafka();

    Topics topics();

    Batch batch();

    Limits limits();

    Fetch fetch();

    Dedup dedup();

    Ingest ingest();

    enum Role {
        all, ingest, worker;

        public boolean runsModel() {
            return this != ingest;
        }

        public boolean servesHttp() {
            return this != worker;
        }
    }

    interface Model {
        /** A Hugging Face LLaVA directory; absent means the built-in model in the data directory. */
        Optional<Path> path();

        /** Shown in results and telemetry; defaults to the model directory's name. */
        Optional<String> id();

        /** cpu, gpu or gpu:N. */
        @WithDefault("cpu")
        String device();

        /** Workers, each with its own running batch; workers on one device share one copy of the weights. */
        @WithDefault("1")
        int workers();

        @WithDefault("32")
        int defaultMaxNewTokens();

        /**
         * llava runs the model; echo answers every request without running it (empty answer, no
         * FLOPs), to measure what the service itself costs per request.
         */
        @WithDefault("llava")
        Engine engine();
    }

    enum Engine {
        llava, echo
    }

    interface Kafka {
        /** Start an in-process broker; by default only when kafka.bootstrap.servers is not configured. */
        Optional<Boolean> embedded();

        @WithDefault("9092")
        int embeddedPort();
    }

    interface Topics {
        @WithDefault("vscan.requests")
        String requests();

        @WithDefault("vscan.results")
        String results();

        @WithDefault("vscan.telemetry")
        String telemetry();

        @WithDefault("vscan.dlq")
        String dlq();

        @WithDefault("4")
        int partitions();
    }

    interface Batch {
        /** Most requests prefilled together when they join a running batch. */
        @WithDefault("8")
        int maxSize();

        /** How long an idle worker's first request waits for company; it bounds the latency batching adds. */
        @WithDefault("5ms")
        Duration maxDelay();

        /** Most visual tokens (after the planned stage 1) prefilled together. */
        @WithDefault("8192")
        int maxVisualTokens();

        /** Most sequences a worker decodes at once; by default 16 on a CPU, 64 on a GPU. */
        Optional<Integer> maxRunning();

        /**
         * Most KV cache tokens a worker's running sequences may hold together (prompt after reduction plus
         * max_new_tokens each); by default what a share of the device's memory, less the weights, holds.
         */
        Optional<Long> kvTokenBudget();

        /** Admit requests between decode steps (continuous batching); false waits for the running set to empty. */
        @WithDefault("true")
        boolean continuous();

        /** Requests held between the consumer and the workers; consumption pauses when it is full. */
        @WithDefault("64")
        int queueCapacity();
    }

    interface Limits {
        @WithDefault("8")
        int maxImages();

        @WithDefault("20971520")
        long maxImageBytes();

        @WithDefault("40000000")
        long maxImagePixels();

        @WithDefault("8192")
        int maxPromptChars();

        @WithDefault("1024")
        int maxNewTokens();
    }

    interface Fetch {
        /** Allow image URLs that resolve to loopback, private or link-local addresses. */
        @WithDefault("false")
        boolean allowPrivateAddresses();

        @WithDefault("5s")
        Duration timeout();

        @WithDefault("3")
        int maxRedirects();
    }

    interface Dedup {
        /** Request ids seen within this window are answered once. */
        @WithDefault("10m")
        Duration window();

        @WithDefault("100000")
        int maxEntries();
    }

    interface Ingest {
        /** Results the HTTP ingest keeps for GET /v1/requests/{id}; the least recently used go first. */
        @WithDefault("100000")
        int maxResults();

        /** How long a result stays readable over HTTP after it arrived. */
        @WithDefault("1h")
        Duration resultRetention();
    }
}
