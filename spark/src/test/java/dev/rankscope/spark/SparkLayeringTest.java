package dev.rankscope.spark;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The Spark module's place in the layering (app → views → application → (analysis, runtime) →
 * engine): it sits beside app and may use application, analysis and engine only. Kept here rather
 * than in tests/LayeringTest because the tests module does not depend on this module (nothing
 * does: it is a spark-submit job).
 */
class SparkLayeringTest {
    /** This module's production classes only (scanning the classpath for the package would walk all of Spark). */
    private static final JavaClasses SPARK = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPath(java.nio.file.Path.of("target", "classes"));

    @Test
    void sparkJobUsesOnlyTheHeadlessLayers() {
        noClasses().that().resideInAPackage("dev.rankscope.spark..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.rankscope.views..", "dev.rankscope.app..", "javafx..")
                .because("the Spark job runs headless on executors and reuses the jobs of application, not the workbench or the CLI")
                .check(SPARK);
    }

    @Test
    void sparkJobDoesNotReachIntoTheModelRuntime() {
        noClasses().that().resideInAPackage("dev.rankscope.spark..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.rankscope.runtime..")
                .because("the sweep needs spectra only; the forward-pass runtime stays out of the job jar's code paths")
                .check(SPARK);
    }
}
