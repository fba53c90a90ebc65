package dev.vscan.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The usage of each command: all of them for {@code help}, one for {@code help COMMAND} or {@code COMMAND --help}. */
final class Usage {

    private static final String KAFKA = String.join("\n",
            "  Kafka: --bootstrap HOST:PORT (default localhost:9092), --kafka key=value (repeatable, e.g.",
            "         security.protocol=SASL_PLAINTEXT), --kafka-config FILE (properties), --requests-topic,",
            "         --results-topic, --telemetry-topic, --dlq-topic (default vscan.requests, vscan.results, ...)");

    private static final Map<String, String> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("generate", String.join("\n",
                "generate --model DIR --image FILE [--image FILE...] --prompt TEXT [--max-new-tokens N]",
                "         [--temperature T] [--top-p P] [--seed N] [--repetition-penalty X] [--ignore-eos]",
                "         [--device cpu|gpu] [--json]",
                "         [--reduction none|vscan|fastv|pdrop|visionzip|vscan-global|vscan-local|vscan-nomerge]",
                "         [--budget N | --fraction X | --r1 N --r2 N --layer K | --r1-ratio X --r2-ratio Y (Qwen2.5-VL)]",
                "         [--local-layer N] [--deep-layer N] [--windows N]",
                "         [--positions reference|original]",
                "  Answers one question about the images with the checkpoint in DIR, in this process."));
        COMMANDS.put("send", String.join("\n",
                "send --prompt TEXT [--image FILE... | --images-from DIR [--one-request]] [--id ID]",
                "     [--wait SECONDS] [--json] [--max-new-tokens N] [--temperature T] [--top-p P] [--seed N]",
                "     [--reduction METHOD] [--budget N | --fraction X | --r1 N --r2 N --layer K | --r1-ratio X",
                "     --r2-ratio Y] [--positions reference|original] [Kafka options]",
                "  Produces the question to the request topic and prints each answer as it comes ('id: answer',",
                "  with --json the result record). --images-from sends one request per image (ids ID-FILENAME),",
                "  --one-request all of them in one. Waits --wait seconds (default 60; 0: print the ids, do not",
                "  wait). Status 0 when all were answered ok, 1 when one was not or is missing, 2 for bad input.",
                KAFKA));
        COMMANDS.put("follow", String.join("\n",
                "follow [--topics results,telemetry,dlq] [--from-beginning] [--id ID] [--count N]",
                "       [--idle SECONDS] [--json] [Kafka options]",
                "  Prints committed results, telemetry and dead letters as they arrive, one line each (with",
                "  --json the record as {topic, partition, offset, key, value}), until Ctrl-C, N records",
                "  (--count) or SECONDS without one (--idle).",
                KAFKA));
        COMMANDS.put("tiny-checkpoint", String.join("\n",
                "tiny-checkpoint DIR [--family llava|llava_next|qwen2_5_vl] [--preset tiny|small|shapes] [--seed N]",
                "  Writes a checkpoint with random weights (qwen2_5_vl: --preset tiny|small)."));
        COMMANDS.put("convert-checkpoint", String.join("\n",
                "convert-checkpoint SRC DST [--layout llava-hf|transformers] [--shards N]",
                "  Rewrites a checkpoint in the other transformers weight layout."));
        COMMANDS.put("train", String.join("\n",
                "train --out DIR [--steps N] [--batch N] [--seed N] [--lr X] [--warmup N] [--max-minutes M]",
                "      [--checkpoint-every N] [--caption-share X] [--caption-weight X] [--cls-digits]",
                "      [--no-patch-sides]",
                "  Trains the built-in shapes model from its seed."));
        COMMANDS.put("eval", String.join("\n",
                "eval --model DIR [--questions N] [--methods a,b] [--fractions f,g] [--positions reference,original]",
                "     [--batch N] [--plot FILE] [--markdown FILE] [--json]",
                "  Accuracy of each reduction method on held-out synthetic questions."));
        COMMANDS.put("samples", String.join("\n",
                "samples --model DIR --out DIR [--per-family N]",
                "  Writes example questions with the model's answers."));
        COMMANDS.put("broker", String.join("\n",
                "broker --data-dir DIR [--port N] [--sasl-user name:password ...] [--plaintext-port N]",
                "       [--partitions N] [--topics a,b,...] [--exit-with-parent]",
                "  The embedded Kafka broker until stopped; prints 'listening on HOST:PORT' when ready."));
    }

    private Usage() {}

    static String all() {
        StringBuilder text = new StringBuilder("usage: COMMAND [OPTIONS]   ('help COMMAND' for one command)\n");
        COMMANDS.values().forEach(usage -> text.append('\n').append(usage.indent(2)));
        text.append("\nbin/vscan also takes 'serve [-Dkey=value ...]': the service itself (target/quarkus-app).");
        return text.toString();
    }

    static String of(String command) {
        String usage = COMMANDS.get(command);
        if (usage == null) {
            throw new UsageException("unknown command '" + command + "'; choose among "
                    + String.join(", ", COMMANDS.keySet()));
        }
        return "usage: " + usage;
    }
}
