package dev.rankscope.tests.hostile;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.io.AtomicFileWriter;
import org.junit.jupiter.api.Test;

import java.io.FileOutputStream;
import java.io.FileWriter;
import java.io.RandomAccessFile;
import java.nio.file.Files;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Issue 8, writes: every export path goes through {@link AtomicFileWriter} (temporary file in the
 * target folder, atomic move, protected inputs). This rule makes that structural: no production
 * class other than the writer itself and the spectrum cache (which has its own temp-then-move,
 * see {@link SpectrumCache}) may open a file for writing or move/copy files.
 */
class ExportWritesRuleTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // under `mvn verify` sibling modules are jars, under `mvn test` class folders: keep both,
            // but never the shared test-jar (its fixture writers are test code)
            .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
            .importPackages("dev.rankscope");

    @Test
    void onlyTheAtomicWriterWritesFiles() {
        ArchRule rule = noClasses().that().doNotBelongToAnyOf(AtomicFileWriter.class, SpectrumCache.class)
                .should().callMethodWhere(target(owner(equivalentTo(Files.class)))
                        .and(target(nameMatching("write|writeString|newOutputStream|newBufferedWriter|copy|move|createFile"))))
                .orShould().callConstructorWhere(target(owner(assignableTo(FileOutputStream.class))
                        .or(owner(assignableTo(FileWriter.class))).or(owner(assignableTo(RandomAccessFile.class)))))
                .because("an export written in place can be left half-written by a crash or a cancel, and "
                        + "could overwrite the checkpoint being read; AtomicFileWriter prevents both");
        rule.check(PRODUCTION);
    }
}
