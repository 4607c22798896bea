package dev.rankscope.tests;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * Enforces the module direction app → views → application → (analysis, runtime) → engine
 * (STYLE.md "Layers") on the production classes of every module.
 */
@AnalyzeClasses(packages = "dev.rankscope",
        importOptions = {ImportOption.DoNotIncludeTests.class, LayeringTest.NoTestJars.class})
class LayeringTest {

    /**
     * In the reactor's {@code verify} the engine's test helpers arrive as
     * {@code rankscope-engine-…-tests.jar}, which {@link ImportOption.DoNotIncludeTests} (it knows
     * only test-classes folders) lets through; they are tests, not production classes.
     */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("-tests.jar");
        }
    }

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true)
            .layer("app").definedBy("dev.rankscope.app..")
            .layer("views").definedBy("dev.rankscope.views..")
            .layer("application").definedBy("dev.rankscope.application..")
            .layer("analysis").definedBy("dev.rankscope.analysis..")
            .layer("runtime").definedBy("dev.rankscope.runtime..")
            .layer("engine").definedBy("dev.rankscope.engine..")
            .whereLayer("app").mayNotBeAccessedByAnyLayer()
            .whereLayer("views").mayOnlyBeAccessedByLayers("app")
            .whereLayer("application").mayOnlyBeAccessedByLayers("views", "app")
            .whereLayer("analysis").mayOnlyBeAccessedByLayers("application", "views", "app")
            .whereLayer("runtime").mayOnlyBeAccessedByLayers("application", "views", "app")
            .because("dependencies point one way, app → views → application → (analysis, runtime) → engine, "
                    + "so every use case is one headless job that the CLI, the workbench and batch/Spark runs share");

    @ArchTest
    static final ArchRule analysisAndRuntimeIndependent = noClasses().that().resideInAPackage("dev.rankscope.analysis..")
            .should().dependOnClassesThat().resideInAPackage("dev.rankscope.runtime..")
            .because("analysis is pure functions over weights and spectra; running a model is the runtime's "
                    + "job, and the application layer joins the two");

    @ArchTest
    static final ArchRule cliIsHeadless = noClasses().that().resideInAPackage("dev.rankscope.app.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.rankscope.views..", "javafx..", "org.controlsfx..",
                    "org.jfree.chart.fx..")
            .because("the headless commands run the same jobs as the workbench through the application layer, "
                    + "on machines without a display; only the workbench launcher (app.gui) needs views and JavaFX");

    @ArchTest
    static final ArchRule noJavaFxInEngine = noClasses().that().resideInAPackage("dev.rankscope.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "org.jfree.chart.fx..")
            .because("the engine runs headless (CLI, batch, CI) where no display or JavaFX toolkit exists");

    @ArchTest
    static final ArchRule noJavaFxInAnalysis = noClasses().that().resideInAPackage("dev.rankscope.analysis..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "org.jfree.chart.fx..")
            .because("analysis is pure functions over engine results, shared by the CLI and the workbench");

    @ArchTest
    static final ArchRule noJavaFxInRuntimeOrApplication = noClasses().that()
            .resideInAnyPackage("dev.rankscope.runtime..", "dev.rankscope.application..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "org.jfree.chart.fx..")
            .because("the model runtime and the jobs run headless: the CLI, batch runs and Spark executors have no display");

    @ArchTest
    static final ArchRule noSystemOutBelowApp = noClasses().that().resideInAnyPackage(
                    "dev.rankscope.engine..", "dev.rankscope.analysis..", "dev.rankscope.runtime..",
                    "dev.rankscope.application..", "dev.rankscope.views..")
            .should().accessField(System.class, "out")
            .because("only the CLI prints; lower layers report through results, listeners and exceptions");
}
