package dev.vscan.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.image.PixelValues;
import dev.vscan.synth.SceneRenderer;
import dev.vscan.synth.SyntheticDataset;
import dev.vscan.synth.VisualQuestion;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Writes held-out questions as PNG files plus a README table (and questions.json) of question, expected
 * answer and the model's answer with all visual tokens: examples a person can look at and send to the
 * service, and inputs for checking the checkpoint with another implementation.
 */
public final class SampleWriter {

    private SampleWriter() {}

    /** The first {@code perFamily} held-out questions of every family, answered by {@code pipeline}. */
    public static List<String> write(LlavaPipeline pipeline, Path out, int perFamily) {
        int size = pipeline.model().config().vision().imageSize();
        List<VisualQuestion> questions = new SyntheticDataset(SyntheticDataset.HELD_OUT_SEED, size).heldOut(perFamily);
        StringBuilder table = new StringBuilder("""
                # Samples

                Held-out questions (seed %d, never seen in training) and the answers the built-in model gives with all
                of its visual tokens. Regenerate with
                `bin/vscan samples --model DIR --out samples`.

                | image(s) | question | expected | model |
                |---|---|---|---|
                """.formatted(SyntheticDataset.HELD_OUT_SEED));
        List<String> answers = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        ArrayNode list = json.createArrayNode();
        AccuracyEvaluator evaluator = new AccuracyEvaluator(pipeline, 1);
        try {
            Files.createDirectories(out);
            int n = 0;
            for (VisualQuestion q : questions) {
                n++;
                List<PixelValues> pixels = new ArrayList<>();
                List<String> files = new ArrayList<>();
                for (int i = 0; i < q.scenes().size(); i++) {
                    BufferedImage image = SceneRenderer.render(q.scenes().get(i));
                    String name = String.format("%02d-%s%s.png", n, q.family().jsonName(),
                            q.scenes().size() > 1 ? "-" + (i + 1) : "");
                    ImageIO.write(image, "png", out.resolve(name).toFile());
                    files.add(name);
                    pixels.add(pipeline.preprocessor().preprocess(image));
                }
                String answer = evaluator.answer(q, pixels).trim();
                answers.add(answer);
                boolean right = AccuracyEvaluator.normalise(answer).equals(AccuracyEvaluator.normalise(q.answer()));
                ObjectNode entry = list.addObject();
                entry.put("family", q.family().jsonName());
                entry.put("question", q.question());
                entry.put("expected", q.answer());
                entry.put("answer", answer);
                files.forEach(entry.putArray("images")::add);
                List<String> pictures = files.stream().map(f -> "![](" + f + ")").toList();
                table.append("| ").append(String.join(" ", pictures)).append(" | ").append(q.question()).append(" | ")
                        .append(q.answer()).append(" | ").append(answer).append(right ? "" : " (wrong)").append(" |\n");
            }
            Files.writeString(out.resolve("README.md"), table);
            json.writerWithDefaultPrettyPrinter().writeValue(out.resolve("questions.json").toFile(), list);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write samples to " + out + ": " + e.getMessage(), e);
        }
        return answers;
    }
}
