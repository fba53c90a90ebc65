import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * Run once while the GPU image is built (java source-file mode, online): makes DJL download the
 * CUDA build of libtorch named by PYTORCH_VERSION and PYTORCH_FLAVOR into DJL_CACHE_DIR, so the
 * image can then run with DJL_OFFLINE=true. Not part of the application.
 */
public final class DjlCudaWarmup {

    public static void main(String[] args) throws IOException {
        Path cache = Paths.get(System.getenv().getOrDefault("DJL_CACHE_DIR", System.getProperty("user.home") + "/.djl.ai"));
        try {
            // Downloads, then loads libtorch; loading may fail on a build machine without a GPU
            // driver, which does not matter here: only the files are wanted.
            Engine engine = Engine.getEngine("PyTorch");
            System.out.println("Loaded " + engine.getEngineName() + " " + engine.getVersion());
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            System.out.println("libtorch was not loaded on this build machine (" + e + "); checking the download");
        }
        try (Stream<Path> files = Files.walk(cache)) {
            long cudaLibraries = files.filter(p -> p.getFileName().toString().startsWith("libtorch_cuda")).count();
            if (cudaLibraries == 0) {
                throw new IllegalStateException("No libtorch_cuda library under " + cache
                        + ": the CUDA build of PyTorch was not downloaded (check PYTORCH_FLAVOR and network access)");
            }
        }
        System.out.println("CUDA libtorch is in " + cache);
    }
}
