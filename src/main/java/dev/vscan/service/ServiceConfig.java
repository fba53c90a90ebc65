package dev.vscan.service;

import dev.vscan.core.ServingRole;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The serving core's settings under {@code vscan.} (model, batching, limits, image fetching,
 * de-duplication), with the defaults of a one-machine start. Checked at start-up: a value out of range
 * stops the service with a message that names its key. The Kafka adapter ({@code vscan.kafka},
 * {@code vscan.topics}, {@code vscan.messaging}) and the HTTP adapter ({@code vscan.ingest}) read their own.
 */
@ConfigMapping(prefix = "vscan")
public interface ServiceConfig {

    /** Where the embedded broker and the built-in model keep their files; survives restarts. */
    @WithDefault("data")
    Path dataDir();

    /** all (one machine), ingest (HTTP only, no model) or worker (consume and infer). */
    @WithDefault("all")
    ServingRole role();

    Model model();

    Batch batch();

    Limits limits();

    Fetch fetch();

    Dedup dedup();

    Admission admission();

    interface Admission {
        /**
         * Threads that admit consumed records (parse, fetch and decode images, tokenize) ahead of the workers;
         * by default one per available core, since admission is CPU work except while an image URL loads.
         */
        Optional<@Positive Integer> threads();
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
        @Min(1)
        int workers();

        @WithDefault("32")
        @Min(1)
        @Max(4096)
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

    interface Batch {
        /** Most requests prefilled together when they join a running batch. */
        @WithDefault("8")
        @Min(1)
        int maxSize();

        /** How long an idle worker's first request waits for company; it bounds the latency batching adds. */
        @WithDefault("5ms")
        Duration maxDelay();

        /** Most visual tokens (after the planned stage 1) prefilled together. */
        @WithDefault("8192")
        @Min(1)
        int maxVisualTokens();

        /** Most sequences a worker decodes at once; by default 16 on a CPU, 64 on a GPU. */
        Optional<@Positive Integer> maxRunning();

        /**
         * Most KV cache tokens a worker's running sequences may hold together (prompt after reduction plus
         * max_new_tokens each); by default what a share of the device's memory, less the weights, holds.
         */
        Optional<@Positive Long> kvTokenBudget();

        /** Admit requests between decode steps (continuous batching); false waits for the running set to empty. */
        @WithDefault("true")
        boolean continuous();

        /** Requests held between the consumer and the workers; consumption pauses when it is full. */
        @WithDefault("64")
        @Min(1)
        int queueCapacity();
    }

    interface Limits {
        @WithDefault("8")
        @Min(0)
        @Max(64)
        int maxImages();

        @WithDefault("20971520")
        @Positive
        long maxImageBytes();

        @WithDefault("40000000")
        @Positive
        long maxImagePixels();

        @WithDefault("8192")
        @Min(1)
        @Max(8192)
        int maxPromptChars();

        @WithDefault("1024")
        @Min(1)
        @Max(4096)
        int maxNewTokens();
    }

    interface Fetch {
        /** Allow image URLs that resolve to loopback, private or link-local addresses. */
        @WithDefault("false")
        boolean allowPrivateAddresses();

        @WithDefault("5s")
        Duration timeout();

        @WithDefault("3")
        @Min(0)
        @Max(20)
        int maxRedirects();
    }

    interface Dedup {
        /** Request ids seen within this window are answered once. */
        @WithDefault("10m")
        Duration window();

        @WithDefault("100000")
        @Min(1)
        int maxEntries();
    }
}
