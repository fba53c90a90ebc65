package dev.vscan.cli;

import dev.vscan.core.RequestLimits;
import dev.vscan.core.RequestParser;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageDecoder;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.InvalidImageException;
import dev.vscan.wire.InferenceRequest;
import dev.vscan.wire.InferenceRequest.ImageInput;
import dev.vscan.wire.InferenceRequest.RequestOptions;
import dev.vscan.wire.MessageJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The requests {@code send} produces, built from its arguments and checked as the service will check them
 * (schema, prompt placeholders, options), so that a mistake is reported here, before anything is sent.
 *
 * <p>{@code --image FILE} (repeatable) puts the files in one request, in order; {@code --images-from DIR}
 * makes one request per image in the directory (by name), or one with all of them under
 * {@code --one-request}. One request has the id {@code --id} (else a random {@code cli-...}); several have
 * that id plus {@code -} and the image's file name without its suffix ({@code q1-07-glyph}).
 */
final class SendRequests {

    /** The valued options this class reads. */
    static final Set<String> OPTIONS = Arguments.union(WireOptions.NAMES, Set.of("prompt", "image", "images-from", "id"));
    /** The switches this class reads. */
    static final Set<String> FLAGS = Set.of("one-request");

    private static final Set<String> IMAGE_SUFFIXES = Set.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");
    private static final int MAX_ID = 128;

    /**
     * Only what no service accepts is refused here: the schema's caps, not this or that deployment's limits.
     * The service checks its own limits and answers {@code invalid} where they are lower.
     */
    private static final RequestParser PARSER = new RequestParser(new RequestLimits(RequestLimits.SCHEMA_MAX_IMAGES,
            RequestLimits.SCHEMA_MAX_PROMPT_CHARS, SamplingParams.MAX_NEW_TOKENS_LIMIT));
    /** Whether a file is an image at all; the service applies its own size limits. */
    private static final ImageDecoder DECODER = new ImageDecoder(new ImageLimits(Long.MAX_VALUE, Long.MAX_VALUE));

    /** One request as it goes on the topic: keyed by {@code id}, the wire JSON as value. */
    record Outgoing(String id, List<Path> files, byte[] json) {}

    private SendRequests() {}

    static List<Outgoing> from(Arguments a) {
        String prompt = a.required("prompt");
        RequestOptions options = WireOptions.from(a);
        List<List<Path>> groups = imageGroups(a);
        List<String> ids = ids(a.string("id", null), groups);
        List<Outgoing> requests = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            requests.add(build(ids.get(i), groups.get(i), prompt, options));
        }
        return requests;
    }

    private static Outgoing build(String id, List<Path> files, String prompt, RequestOptions options) {
        List<ImageInput> images = new ArrayList<>();
        for (Path file : files) {
            images.add(new ImageInput(Base64.getEncoder().encodeToString(readImage(file)), null));
        }
        boolean anyOption = !options.equals(RequestOptions.defaults());
        byte[] json = MessageJson.write(new InferenceRequest(id, images.isEmpty() ? null : images, prompt,
                anyOption ? options : null));
        PARSER.parse(json, id, null); // throws InvalidRequestException, reported as bad input
        return new Outgoing(id, List.copyOf(files), json);
    }

    private static List<List<Path>> imageGroups(Arguments a) {
        String dir = a.string("images-from", null);
        if (dir == null) {
            if (a.flag("one-request")) {
                throw new UsageException("--one-request goes with --images-from DIR");
            }
            return List.of(a.all("image").stream().map(Path::of).toList());
        }
        if (!a.all("image").isEmpty()) {
            throw new UsageException("give --image FILE or --images-from DIR, not both");
        }
        List<Path> files = imagesIn(Path.of(dir));
        return a.flag("one-request") ? List.of(files) : files.stream().map(List::of).toList();
    }

    private static List<Path> imagesIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--images-from: " + dir + " is not a directory");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> images = entries.filter(Files::isRegularFile).filter(SendRequests::hasImageSuffix).sorted().toList();
            if (images.isEmpty()) {
                throw new UsageException("--images-from: no .png, .jpg, .jpeg, .bmp or .gif file in " + dir);
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasImageSuffix(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return IMAGE_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    private static List<String> ids(String given, List<List<Path>> groups) {
        String base = given != null ? given : "cli-" + UUID.randomUUID().toString().substring(0, 8);
        if (!RequestParser.isValidId(base)) {
            throw new UsageException("--id '" + base + "' is not a valid request id: 1 to 128 characters of A-Z, a-z,"
                    + " 0-9, '.', '_', ':' and '-'");
        }
        if (groups.size() == 1) {
            return List.of(base);
        }
        List<String> ids = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (List<Path> group : groups) {
            String name = withoutSuffix(group.get(0).getFileName().toString());
            String id = idFor(base, name);
            for (int n = 2; !taken.add(id); n++) {
                id = idFor(base, name + "-" + n);
            }
            ids.add(id);
        }
        return ids;
    }

    private static String withoutSuffix(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    /** {@code base-name}, the name's other characters replaced by {@code _}; refused past the id's length limit. */
    private static String idFor(String base, String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._:-]", "_");
        String id = base + "-" + safe;
        if (id.length() > MAX_ID) {
            throw new UsageException("--id '" + base + "' with the file name " + name + " makes an id longer than "
                    + MAX_ID + " characters; give a shorter --id");
        }
        return id;
    }

    private static byte[] readImage(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("image file " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image file " + file + ": " + e.getMessage(), e);
        }
        try {
            DECODER.decodeAsStored(bytes);
        } catch (InvalidImageException e) {
            throw new InvalidImageException(e.reason(), "image file " + file + ": " + e.getMessage(), e);
        }
        return bytes;
    }
}
