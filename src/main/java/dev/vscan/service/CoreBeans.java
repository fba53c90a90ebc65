package dev.vscan.service;

import dev.vscan.core.AnswerSink;
import dev.vscan.core.DeduplicationWindow;
import dev.vscan.core.InferenceService;
import dev.vscan.core.ModelRepository;
import dev.vscan.core.RequestAdmission;
import dev.vscan.core.RequestIntake;
import dev.vscan.core.RequestLimits;
import dev.vscan.core.RequestParser;
import dev.vscan.core.RequestPreparer;
import dev.vscan.core.ServingMetrics;
import dev.vscan.core.ServingRole;
import dev.vscan.core.StreamSink;
import dev.vscan.images.ImageFetcher;
import dev.vscan.images.UrlPolicy;
import dev.vscan.model.image.ImageDecoder;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.scheduling.BatchPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The serving core, built once from {@link ServiceConfig} for the adapters to inject. */
@ApplicationScoped
public class CoreBeans {

    @Inject
    ServiceConfig config;

    @Produces
    @Singleton
    ServingRole role() {
        return config.role();
    }

    @Produces
    @Singleton
    ModelRepository models() {
        return new ModelRepository(new ModelRepository.Source(config.model().path(), config.model().id(),
                config.dataDir(), config.model().device(), imageLimits()));
    }

    @Produces
    @Singleton
    ImageLimits imageLimits() {
        return new ImageLimits(config.limits().maxImageBytes(), config.limits().maxImagePixels());
    }

    @Produces
    @Singleton
    ImageDecoder imageDecoder() {
        return new ImageDecoder(imageLimits());
    }

    @Produces
    @Singleton
    RequestParser parser() {
        ServiceConfig.Limits l = config.limits();
        return new RequestParser(new RequestLimits(l.maxImages(), l.maxPromptChars(), l.maxNewTokens()));
    }

    @Produces
    @Singleton
    ImageFetcher imageFetcher() {
        ServiceConfig.Fetch f = config.fetch();
        return new ImageFetcher(new UrlPolicy(f.allowPrivateAddresses(), f.timeout(), config.limits().maxImageBytes(),
                f.maxRedirects()));
    }

    @Produces
    @Singleton
    InferenceService inference(ModelRepository models, AnswerSink sink, StreamSink stream, ServingMetrics metrics) {
        ServiceConfig.Batch b = config.batch();
        return new InferenceService(new InferenceService.Settings(
                new BatchPolicy(b.maxSize(), b.maxDelay(), b.maxVisualTokens(), b.queueCapacity()),
                config.model().workers(), config.model().engine() == ServiceConfig.Engine.echo, b.maxRunning(),
                b.kvTokenBudget(), b.continuous()), models, sink, stream, metrics);
    }

    @Produces
    @Singleton
    RequestIntake intake(RequestParser parser, ImageFetcher fetcher, ModelRepository models, InferenceService inference,
            AnswerSink sink, ServingMetrics metrics) {
        // The preparer reads the checkpoint's tokenizer and config: only once a record needs it, so that a
        // model that cannot load leaves the service up and unready instead of stopping it.
        RequestAdmission admission = new RequestAdmission(parser, fetcher, () -> new RequestPreparer(
                models.modelDirectory(), models.imageLimits(), config.model().defaultMaxNewTokens(),
                config.limits().maxNewTokens()), new DeduplicationWindow(config.dedup().window(),
                config.dedup().maxEntries()), System::currentTimeMillis);
        int threads = config.admission().threads().orElse(Runtime.getRuntime().availableProcessors());
        return new RequestIntake(admission, inference, sink, metrics, models.modelId(), threads);
    }
}
