package dev.vscan.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure as rules: no package cycle; the engine (model, reduction), scheduling, the wire
 * format, the images and the serving core import neither a framework nor Kafka; the adapters (messaging,
 * ingest), the wiring (service) and telemetry sit on the core and nothing below depends on them.
 */
class LayeringTest {

    private static final String[] FRAMEWORKS = {"io.quarkus..", "io.smallrye..", "org.apache.kafka..", "jakarta..",
            "io.vertx..", "org.eclipse.microprofile.."};
    private static final String[] ADAPTERS = {"dev.vscan.service..", "dev.vscan.messaging..", "dev.vscan.ingest..",
            "dev.vscan.telemetry..", "dev.vscan.cli.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vscan");
    }

    @Test
    void noPackageImportsAnotherInACycle() {
        slices().matching("dev.vscan.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theEngineSchedulingAndTheCoreImportNoFrameworkAndNoBroker() {
        noClasses().that().resideInAnyPackage("dev.vscan.model..", "dev.vscan.reduction..", "dev.vscan.scheduling..",
                        "dev.vscan.core..", "dev.vscan.wire..", "dev.vscan.images..")
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .check(classes);
    }

    @Test
    void theCoreDependsOnNoAdapter() {
        noClasses().that().resideInAnyPackage("dev.vscan.core..", "dev.vscan.wire..", "dev.vscan.images..",
                        "dev.vscan.scheduling..")
                .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS)
                .check(classes);
    }

    @Test
    void nothingDependsOnTheAdaptersOrTheWiring() {
        noClasses().that().resideOutsideOfPackages("dev.vscan.messaging..", "dev.vscan.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.vscan.messaging..").check(classes);
        noClasses().that().resideOutsideOfPackage("dev.vscan.ingest..")
                .should().dependOnClassesThat().resideInAPackage("dev.vscan.ingest..").check(classes);
        noClasses().that().resideOutsideOfPackage("dev.vscan.service..")
                .should().dependOnClassesThat().resideInAPackage("dev.vscan.service..").check(classes);
    }

    @Test
    void theModelDependsOnNothingAboveIt() {
        noClasses().that().resideInAPackage("dev.vscan.model..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vscan.reduction..", "dev.vscan.core..",
                        "dev.vscan.wire..", "dev.vscan.images..", "dev.vscan.scheduling..", "dev.vscan.evaluation..",
                        "dev.vscan.training..")
                .check(classes);
        noClasses().that().resideInAPackage("dev.vscan.model..")
                .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS).check(classes);
    }

    @Test
    void theReductionsDependOnTheModelOnly() {
        noClasses().that().resideInAPackage("dev.vscan.reduction..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vscan.core..", "dev.vscan.wire..",
                        "dev.vscan.images..", "dev.vscan.scheduling..", "dev.vscan.evaluation..",
                        "dev.vscan.training..")
                .check(classes);
        noClasses().that().resideInAPackage("dev.vscan.reduction..")
                .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS).check(classes);
    }
}
