package dev.vscan.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * The settings that deployment files hand to VScan Serve containers: environment variables of the
 * compose services built from the project's image, and of Kubernetes containers named "vscan", and
 * the entries of the ConfigMap vscan-config (the containers load it with envFrom).
 */
final class ManifestSettings {

    /** One setting: the environment variable's name and where it was found. */
    record Setting(String name, String source) {
    }

    static final String CONTAINER_NAME = "vscan";
    static final String CONFIG_MAP_NAME = "vscan-config";

    private ManifestSettings() {
    }

    /** Services of a compose file whose image is VScan Serve's (built from this repository or vscan-serve). */
    static List<Setting> fromCompose(Path composeFile) throws IOException {
        List<Setting> settings = new ArrayList<>();
        for (Object document : load(composeFile)) {
            Map<?, ?> services = map(map(document).get("services"));
            for (Map.Entry<?, ?> service : services.entrySet()) {
                Map<?, ?> definition = map(service.getValue());
                if (!isVscanImage(definition)) {
                    continue;
                }
                String source = composeFile + " service " + service.getKey();
                Object environment = definition.get("environment");
                if (environment instanceof Map<?, ?> variables) {
                    variables.keySet().forEach(name -> settings.add(new Setting(String.valueOf(name), source)));
                } else if (environment instanceof List<?> lines) {
                    // The list form: NAME=value
                    lines.forEach(line -> settings.add(new Setting(String.valueOf(line).split("=", 2)[0], source)));
                }
            }
        }
        return settings;
    }

    /** Every *.yaml under a directory: vscan containers' env entries and vscan-config's data keys. */
    static List<Setting> fromKubernetes(Path directory) throws IOException {
        List<Setting> settings = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        for (Path file : files) {
            for (Object document : load(file)) {
                Map<?, ?> resource = map(document);
                Object kind = resource.get("kind");
                Map<?, ?> metadata = map(resource.get("metadata"));
                if ("ConfigMap".equals(kind) && CONFIG_MAP_NAME.equals(metadata.get("name"))) {
                    map(resource.get("data")).keySet().forEach(
                            key -> settings.add(new Setting(String.valueOf(key), file + " ConfigMap " + CONFIG_MAP_NAME)));
                } else if ("Deployment".equals(kind)) {
                    Map<?, ?> podSpec = map(map(map(resource.get("spec")).get("template")).get("spec"));
                    for (Object container : list(podSpec.get("containers"))) {
                        Map<?, ?> definition = map(container);
                        if (!CONTAINER_NAME.equals(definition.get("name"))) {
                            continue;
                        }
                        String source = file + " Deployment " + metadata.get("name");
                        for (Object variable : list(definition.get("env"))) {
                            settings.add(new Setting(String.valueOf(map(variable).get("name")), source));
                        }
                    }
                }
            }
        }
        return settings;
    }

    private static boolean isVscanImage(Map<?, ?> service) {
        return service.containsKey("build") || String.valueOf(service.get("image")).contains("VSCAN_IMAGE")
                || String.valueOf(service.get("image")).contains("vscan-serve");
    }

    private static List<Object> load(Path file) throws IOException {
        List<Object> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object document : new Yaml().loadAll(reader)) {
                if (document != null) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? m : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
