package dev.vscan.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine stays a plain Java library: the model and reduction packages, and scheduling, import
 * neither Quarkus nor Kafka nor the adapters, and the model does not reach up into the reductions.
 * (Package cycles between the service and its adapters are the request-path issue's to remove; a
 * rule for them joins these once they are gone.)
 */
class LayeringTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vscan");
    }

    @Test
    void theEngineAndSchedulingImportNoFrameworkAndNoBroker() {
        noClasses().that().resideInAnyPackage("dev.vscan.model..", "dev.vscan.reduction..", "dev.vscan.scheduling..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "io.smallrye..",
                        "org.apache.kafka..", "jakarta..", "io.vertx..", "org.eclipse.microprofile..")
                .check(classes);
    }

    @Test
    void theModelDependsOnNothingAboveIt() {
        noClasses().that().resideInAPackage("dev.vscan.model..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vscan.reduction..", "dev.vscan.service..",
                        "dev.vscan.messaging..", "dev.vscan.ingest..", "dev.vscan.scheduling..",
                        "dev.vscan.telemetry..", "dev.vscan.cli..", "dev.vscan.evaluation..", "dev.vscan.training..")
                .check(classes);
    }

    @Test
    void theReductionsDependOnTheModelOnly() {
        noClasses().that().resideInAPackage("dev.vscan.reduction..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vscan.service..", "dev.vscan.messaging..",
                        "dev.vscan.ingest..", "dev.vscan.scheduling..", "dev.vscan.telemetry..", "dev.vscan.cli..",
                        "dev.vscan.evaluation..", "dev.vscan.training..")
                .check(classes);
    }
}
