package dev.rankscope.views.workbench;

import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.NativeLibrary;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.views.budget.BudgetViewModel;
import dev.rankscope.views.budget.Debouncer;
import dev.rankscope.views.budget.EngineBudgetServices;
import dev.rankscope.views.details.DetailsViewModel;
import dev.rankscope.views.explorer.ExplorerViewModel;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.layermap.LayerMapViewModel;
import dev.rankscope.views.learn.LearnViewModel;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import dev.rankscope.application.workbench.QuickPreview;
import dev.rankscope.views.spectrum.SpectrumViewModel;
import dev.rankscope.views.table.MetricsTableViewModel;
import dev.rankscope.views.testing.FakeDialogService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.rankscope.engine.testing.ResourceProbes.bufferPools;
import static dev.rankscope.engine.testing.ResourceProbes.openFds;
import static dev.rankscope.engine.testing.ResourceProbes.usedHeapAfterGc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #8 at workbench level: 200 cycles of open → analyse → select a matrix → close through
 * {@link WorkbenchViewModel} on the real engine (native SVD when it loads, a small generated
 * Llama-shaped checkpoint, a spectrum cache in a temporary folder, quick preview on), with every
 * feature ViewModel that follows the workbench attached (explorer, spectrum, table, details, layer
 * map, Budget with its plan and reconstruction preview; Learn in a shorter second test). Executors run on the calling
 * thread, so each cycle completes before the next.
 *
 * <p>Measured between cycle {@value #WARM_UP} and cycle {@value #CYCLES}: used heap after GC
 * (bound {@link #HEAP_GROWTH_BOUND} = 8 MB, as the engine-level OpenCloseCycleTest), open file
 * descriptors (/proc/self/fd, no growth beyond 2), live threads (no growth beyond 2), the JVM's
 * direct and mapped buffer pools (≤ 1 MB growth) and JavaCPP's off-heap total (the native SVD's
 * buffers, ≤ 1 MB growth); resident set size is printed for information only (the allocator keeps
 * freed pages). With {@code -Dsurefire.argLine="-Xmx3g -XX:NativeMemoryTracking=summary"} the JVM's
 * native memory tracking is read too and its growth outside the heap bounded
 * ({@link #NMT_GROWTH_BOUND_KB}). Independently of sizes, weak references to every closed checkpoint must all be
 * cleared: a closed checkpoint reachable from a listener or cache fails the test however small it
 * is. The figures are printed on stderr for the closing note.
 */
public class OpenCloseCyclesTest {
    static final int CYCLES = 200;
    static final int WARM_UP = 20;
    static final long HEAP_GROWTH_BOUND = 8L << 20;
    static final long OFF_HEAP_GROWTH_BOUND = 1L << 20;
    /**
     * When the JVM runs with native memory tracking: growth bound of the committed native memory
     * outside the Java heap (metaspace, code cache, GC structures, threads, malloc'd memory…), 32 MB:
     * measured 7–15 MB over 180 cycles (JIT code and class metadata still warming up), while a
     * native leak of ≥ 180 KB per cycle would exceed it. Native memory NMT cannot see (OpenBLAS,
     * JavaCPP's malloc) is reported as RSS − NMT total committed: measured −10 → −5 MB.
     */
    static final long NMT_GROWTH_BOUND_KB = 32L << 10;
    /** One block: 2 + 7 = 9 matrices of at most 64×32. */
    public static final ModelShape SHAPE = new ModelShape("cycles", 1, 32, 64, 4, 2, 64, false);

    @Test
    void twoHundredOpenCloseCyclesDoNotLeak(@TempDir Path dir) throws IOException {
        cycles(dir, CYCLES, WARM_UP, false);
    }

    /**
     * The same with the Learn tab's ViewModel attached too (shown, on its Random vs trained panel),
     * over fewer cycles: Learn recomputes its random-vs-trained comparison (an SVD of a Gaussian matrix of the layer's shape, default
     * 256×512, plus an MP grid fit) on every selection change, about 0.25 s per cycle here.
     */
    @Test
    void openCloseCyclesWithTheLearnTabDoNotLeak(@TempDir Path dir) throws IOException {
        cycles(dir, 30, 10, true);
    }

    private void cycles(Path dir, int cycles, int warmUp, boolean withLearn) throws IOException {
        Path model = dir.resolve("cycles-llama");
        SyntheticModel.write(model, SyntheticModel.Parameters.of(SHAPE, 7));
        InMemorySettingsStore settings = new InMemorySettingsStore();
        settings.setQuickPreview(QuickPreview.ALWAYS);
        EngineWorkbenchServices services = new EngineWorkbenchServices(() -> Backends.select(Backends.Preference.AUTO), 1,
                dir.resolve("cache"));
        FakeDialogService dialogs = new FakeDialogService();
        WorkbenchViewModel vm = new WorkbenchViewModel(services, dialogs, settings, WorkbenchExecutors.sameThread());
        ExplorerViewModel explorer = new ExplorerViewModel(vm);
        SpectrumViewModel spectrum = new SpectrumViewModel(vm);
        MetricsTableViewModel table = new MetricsTableViewModel(vm);
        DetailsViewModel details = new DetailsViewModel(vm);
        LayerMapViewModel layerMap = new LayerMapViewModel(vm);
        BudgetViewModel budget = new BudgetViewModel(vm, new EngineBudgetServices(() -> Backends.select(Backends.Preference.AUTO)),
                Debouncer.immediate());
        LearnViewModel learn = withLearn ? LearnViewModel.forWorkbench(vm, () -> Backends.select(Backends.Preference.AUTO)) : null;
        if (learn != null) {
            learn.panelProperty().set(LearnViewModel.Panel.RANDOM_VS_TRAINED);   // on screen: follows the selection
        }

        List<WeakReference<Object>> closed = new ArrayList<>();
        long heapAtWarmUp = 0;
        long fdAtWarmUp = 0;
        int threadsAtWarmUp = 0;
        long[] poolsAtWarmUp = null;
        long offHeapAtWarmUp = 0;
        long rssAtWarmUp = 0;
        long nmtAtWarmUp = -1;
        long untrackedAtWarmUp = 0;
        long t0 = System.nanoTime();
        for (int cycle = 1; cycle <= cycles; cycle++) {
            vm.open(model);
            assertEquals(1, vm.checkpoints().size(), "cycle " + cycle);
            CheckpointModel cp = vm.checkpoints().get(0);
            int n = cp.matrices().size();
            assertEquals(9, n);
            assertEquals(n, vm.matricesDoneProperty().get(), "cycle " + cycle + ": analysed");
            assertEquals(n, table.rows().size());
            MatrixEntry q = cp.matrices().get(1 + cycle % (n - 1));
            vm.select(q);
            assertEquals(q, vm.getCurrent());
            assertTrue(spectrum.getData() != null && details != null && layerMap != null && explorer != null);
            if (!budget.rows().isEmpty()) {
                budget.preview().previewMatrixProperty().set(budget.rows().get(0));
            }
            OpenedCheckpoint opened = cp.opened();
            vm.close(cp);
            assertTrue(vm.checkpoints().isEmpty() && vm.analyses().isEmpty() && table.rows().isEmpty());
            assertEquals(0, vm.matricesTotalProperty().get());
            assertEquals(0, vm.matricesDoneProperty().get());
            closed.add(new WeakReference<>(cp));
            closed.add(new WeakReference<>(opened));
            closed.add(new WeakReference<>(opened.handle()));
            if (cycle == warmUp) {
                heapAtWarmUp = usedHeapAfterGc();
                fdAtWarmUp = openFds();
                threadsAtWarmUp = Thread.activeCount();
                poolsAtWarmUp = bufferPools();
                offHeapAtWarmUp = javacppBytes();
                rssAtWarmUp = rssKb();
                nmtAtWarmUp = nmtCommittedKb();
                untrackedAtWarmUp = rssAtWarmUp - nmtTotalCommittedKb();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long heapAtEnd = usedHeapAfterGc();
        long fdAtEnd = openFds();
        int threadsAtEnd = Thread.activeCount();
        long[] poolsAtEnd = bufferPools();
        long offHeapAtEnd = javacppBytes();
        long rssAtEnd = rssKb();
        long nmtAtEnd = nmtCommittedKb();
        long untrackedAtEnd = rssAtEnd - nmtTotalCommittedKb();
        if (nmtAtEnd >= 0) {
            System.err.println("workbench open/close: native memory NMT cannot see (RSS − NMT total committed) "
                    + untrackedAtWarmUp + " -> " + untrackedAtEnd + " KB");
        }
        java.lang.management.MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long committedKb = (mem.getHeapMemoryUsage().getCommitted() + mem.getNonHeapMemoryUsage().getCommitted()) >> 10;
        long reachable = closed.stream().filter(r -> r.get() != null).count();
        long growth = heapAtEnd - heapAtWarmUp;
        System.err.printf("workbench open/close x%d%s (%s, %.1f s): heap after GC %d KB at cycle %d -> %d KB at cycle %d "
                        + "(growth %d KB, bound %d KB); fds %d -> %d; threads %d -> %d; direct+mapped buffers %d (%d B) -> %d (%d B); "
                        + "JavaCPP off-heap %d -> %d B; RSS %d -> %d KB (info; JVM heap+non-heap committed %d KB); "
                        + "NMT committed outside the heap %s; closed objects still reachable: %d of %d%n",
                cycles, withLearn ? " with Learn" : "", services.engineInfo().describe(), seconds, heapAtWarmUp >> 10, warmUp, heapAtEnd >> 10, cycles,
                growth >> 10, HEAP_GROWTH_BOUND >> 10, fdAtWarmUp, fdAtEnd, threadsAtWarmUp, threadsAtEnd,
                poolsAtWarmUp[0], poolsAtWarmUp[1], poolsAtEnd[0], poolsAtEnd[1], offHeapAtWarmUp, offHeapAtEnd,
                rssAtWarmUp, rssAtEnd, committedKb,
                nmtAtEnd < 0 ? "n/a (run with -Dsurefire.argLine=-XX:NativeMemoryTracking=summary)"
                        : nmtAtWarmUp + " -> " + nmtAtEnd + " KB", reachable, closed.size());
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        assertEquals(0, reachable, "closed checkpoints, their sources or models still reachable");
        assertTrue(growth < HEAP_GROWTH_BOUND, "heap grew " + (growth >> 10) + " KB over " + (cycles - warmUp) + " cycles");
        assertTrue(fdAtEnd <= fdAtWarmUp + 2, "open file descriptors " + fdAtWarmUp + " -> " + fdAtEnd);
        assertTrue(threadsAtEnd <= threadsAtWarmUp + 2, "threads " + threadsAtWarmUp + " -> " + threadsAtEnd);
        assertTrue(poolsAtEnd[1] <= poolsAtWarmUp[1] + OFF_HEAP_GROWTH_BOUND,
                "direct/mapped memory " + poolsAtWarmUp[1] + " -> " + poolsAtEnd[1] + " B");
        if (nmtAtEnd >= 0) {
            assertTrue(nmtAtEnd - nmtAtWarmUp < NMT_GROWTH_BOUND_KB, "NMT committed " + nmtAtWarmUp + " -> " + nmtAtEnd + " KB");
        }
        assertTrue(offHeapAtEnd <= offHeapAtWarmUp + OFF_HEAP_GROWTH_BOUND,
                "JavaCPP off-heap " + offHeapAtWarmUp + " -> " + offHeapAtEnd + " B");
    }

    /** Bytes JavaCPP has allocated off-heap and not yet freed (0 without the native library). */
    static long javacppBytes() {
        return NativeLibrary.isAvailable() ? org.bytedeco.javacpp.Pointer.totalBytes() : 0;
    }

    /**
     * Committed native memory (KB) outside the Java heap by the JVM's native memory tracking (the
     * heap's committed size follows the collector's sizing, and used heap is measured separately),
     * or −1 when NMT is off (the
     * default: enable it with {@code -Dsurefire.argLine=-XX:NativeMemoryTracking=summary}).
     */
    static long nmtCommittedKb() {
        try {
            javax.management.ObjectName name = new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
            String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(name, "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            java.util.regex.Matcher total = java.util.regex.Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB").matcher(out);
            java.util.regex.Matcher heap = java.util.regex.Pattern.compile("Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB").matcher(out);
            if (!total.find() || !heap.find()) {
                return -1;
            }
            return Long.parseLong(total.group(2)) - Long.parseLong(heap.group(2));
        } catch (javax.management.JMException e) {
            return -1;
        }
    }

    /** NMT's total committed memory in KB, heap included, or −1 when NMT is off. */
    static long nmtTotalCommittedKb() {
        try {
            javax.management.ObjectName name = new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
            String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(name, "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            java.util.regex.Matcher total = java.util.regex.Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB").matcher(out);
            return total.find() ? Long.parseLong(total.group(2)) : -1;
        } catch (javax.management.JMException e) {
            return -1;
        }
    }

    /** Resident set size from /proc/self/status, in KB (information only). */
    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
