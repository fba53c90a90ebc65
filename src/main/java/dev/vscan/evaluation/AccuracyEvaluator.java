package dev.vscan.evaluation;

import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.generation.TokenListener;
import dev.vscan.model.image.PixelValues;
import dev.vscan.reduction.ReductionPlan;
import dev.vscan.synth.QuestionFamily;
import dev.vscan.synth.Scene;
import dev.vscan.synth.SceneRenderer;
import dev.vscan.synth.VisualQuestion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Answers every question greedily under each method and counts exact answers. Questions are batched by
 * image count; each image is rendered and preprocessed once and reused by every method.
 */
public final class AccuracyEvaluator {

    static final int MAX_NEW_TOKENS = 6;

    private final LlavaPipeline pipeline;
    private final int batchSize;

    public AccuracyEvaluator(LlavaPipeline pipeline, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
        }
        this.pipeline = pipeline;
        this.batchSize = batchSize;
    }

    /** The answer as compared: trimmed, lower case, without trailing punctuation. */
    public static String normalise(String answer) {
        return answer.trim().toLowerCase(Locale.ROOT).replaceAll("[.!?,;:]+$", "").trim();
    }

    public List<MethodResult> evaluate(List<VisualQuestion> questions, List<EvaluatedMethod> methods) {
        List<List<PixelValues>> pixels = new ArrayList<>();
        for (VisualQuestion q : questions) {
            pixels.add(pixels(q));
        }
        PlanResolver resolver = new PlanResolver(pipeline.model().config());
        List<MethodResult> results = new ArrayList<>();
        for (EvaluatedMethod method : methods) {
            results.add(evaluate(questions, pixels, method, resolver));
        }
        return results;
    }

    /** The question's pictures, rendered and run through the pipeline's image preprocessing. */
    public List<PixelValues> pixels(VisualQuestion question) {
        List<PixelValues> images = new ArrayList<>();
        for (Scene scene : question.scenes()) {
            images.add(pipeline.preprocessor().preprocess(SceneRenderer.render(scene)));
        }
        return images;
    }

    /** The model's answer to one question with every visual token, as generated (not normalised). */
    public String answer(VisualQuestion question, List<PixelValues> pixels) {
        return answer(question, pixels, ReductionPlan.none());
    }

    /** The model's answer to one question under a reduction plan, as generated (not normalised). */
    public String answer(VisualQuestion question, List<PixelValues> pixels, ReductionPlan plan) {
        GenerationRequest request = pipeline.requestForPixels(question.question(), pixels,
                SamplingParams.greedy(MAX_NEW_TOKENS), plan.reducer(), plan.pruner(), plan.positions());
        return pipeline.answer(List.of(request), TokenListener.NONE).get(0).text();
    }

    private MethodResult evaluate(List<VisualQuestion> questions, List<List<PixelValues>> pixels,
            EvaluatedMethod method, PlanResolver resolver) {
        Map<QuestionFamily, int[]> tally = new LinkedHashMap<>();
        double prefillMs = 0, visualTokenLayers = 0;
        String note = "";
        int right = 0;
        for (int images = 1; images <= 2; images++) {
            List<Integer> group = new ArrayList<>();
            for (int i = 0; i < questions.size(); i++) {
                if (questions.get(i).scenes().size() == images) {
                    group.add(i);
                }
            }
            if (group.isEmpty()) {
                continue;
            }
            PlanResolver.Resolved resolved = resolver.resolve(method, images);
            note = resolved.note().isEmpty() ? note : resolved.note();
            for (int start = 0; start < group.size(); start += batchSize) {
                List<Integer> indices = group.subList(start, Math.min(group.size(), start + batchSize));
                List<GenerationRequest> requests = new ArrayList<>();
                for (int i : indices) {
                    requests.add(pipeline.requestForPixels(questions.get(i).question(), pixels.get(i),
                            SamplingParams.greedy(MAX_NEW_TOKENS), resolved.plan().reducer(), resolved.plan().pruner(),
                            resolved.plan().positions()));
                }
                List<LlavaPipeline.Answer> answers = pipeline.answer(requests, TokenListener.NONE);
                for (int k = 0; k < indices.size(); k++) {
                    VisualQuestion q = questions.get(indices.get(k));
                    GenerationOutput out = answers.get(k).output();
                    boolean correct = normalise(answers.get(k).text()).equals(normalise(q.answer()));
                    int[] counts = tally.computeIfAbsent(q.family(), f -> new int[2]);
                    counts[0] += correct ? 1 : 0;
                    counts[1]++;
                    right += correct ? 1 : 0;
                    prefillMs += out.timings().prefillMillis() / indices.size();
                    visualTokenLayers += meanVisualPerImage(out, images);
                }
            }
        }
        Map<String, Double> byFamily = new LinkedHashMap<>();
        for (QuestionFamily family : QuestionFamily.values()) {
            int[] counts = tally.get(family);
            if (counts != null) {
                byFamily.put(family.jsonName(), counts[0] / (double) counts[1]);
            }
        }
        int n = questions.size();
        return new MethodResult(method.method().wireName(), method.positions().wireName(), method.budgetFraction(), n,
                right / (double) n, byFamily, prefillMs / n, visualTokenLayers / n, note);
    }

    private static double meanVisualPerImage(GenerationOutput out, int images) {
        int[] perLayer = out.visualTokensPerLayer();
        double sum = 0;
        for (int v : perLayer) {
            sum += v;
        }
        return perLayer.length == 0 ? 0 : sum / perLayer.length / images;
    }
}
