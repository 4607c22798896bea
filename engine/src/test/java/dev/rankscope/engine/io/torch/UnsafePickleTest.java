package dev.rankscope.engine.io.torch;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.testing.PickleBuilder;
import dev.rankscope.engine.testing.TestEncoding;
import dev.rankscope.engine.testing.ZipTestWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile pickles, built byte by byte as an attacker would: each would run a shell command that
 * creates a marker file if any real unpickler executed it. The restricted unpickler must refuse
 * with UNSAFE, name the global, and the marker must not exist afterwards.
 */
class UnsafePickleTest {
    @TempDir
    Path dir;

    /** {@code callable(*args)} via REDUCE, as the pickle of an object whose __reduce__ returns it. */
    private static PickleBuilder call(PickleBuilder p, String module, String name, String command) {
        return p.global(module, name).str(command).tupleN(1).reduce();
    }

    private Path marker() {
        return dir.resolve("pwned-marker");
    }

    private String touch() {
        return "touch " + marker();
    }

    /** Wraps {@code pickle} as the data.pkl of an otherwise valid torch zip. */
    private Path torchZip(String file, byte[] pickle) throws Exception {
        return new ZipTestWriter(64).stored("archive/data.pkl", pickle)
                .stored("archive/data/0", TestEncoding.encode(DType.F32, new double[] {1}))
                .stored("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)).write(dir.resolve(file));
    }

    private void assertRefused(Path f, String global) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f));
        assertEquals(Category.UNSAFE, e.category(), e.userMessage());
        assertTrue(e.userMessage().contains("would execute code"), e.userMessage());
        assertTrue(e.userMessage().contains(global), e.userMessage());
        assertTrue(e.userMessage().startsWith(f.getFileName() + ": "), e.userMessage());
        assertFalse(Files.exists(marker()), "marker created: something was executed");
    }

    @Test
    void osSystemViaGlobalIsRefused() throws Exception {
        byte[] pkl = call(new PickleBuilder().proto(2), "os", "system", touch()).stop().toBytes();
        assertRefused(torchZip("os_system.bin", pkl), "os.system");
    }

    @Test
    void posixSystemIsRefused() throws Exception {
        byte[] pkl = call(new PickleBuilder().proto(2), "posix", "system", touch()).stop().toBytes();
        assertRefused(torchZip("posix.pt", pkl), "posix.system");
    }

    @Test
    void builtinsEvalViaStackGlobalIsRefused() throws Exception {
        byte[] pkl = new PickleBuilder().proto(4).stackGlobal("builtins", "eval")
                .shortUnicode("__import__('os').system('" + touch() + "')").tupleN(1).reduce().stop().toBytes();
        assertRefused(torchZip("eval.pth", pkl), "builtins.eval");
    }

    @Test
    void subprocessPopenIsRefused() throws Exception {
        PickleBuilder p = new PickleBuilder().proto(2).global("subprocess", "Popen")
                .mark().str("touch").str(marker().toString()).op('l').tupleN(1).reduce();
        assertRefused(torchZip("popen.bin", p.stop().toBytes()), "subprocess.Popen");
    }

    @Test
    void payloadHiddenInsideAValidStateDictIsRefused() throws Exception {
        // A normal OrderedDict whose second value is os.system(...): the tensor before it is legitimate.
        PickleBuilder p = new PickleBuilder().proto(2).global("collections", "OrderedDict").tupleN(0).reduce().mark();
        p.str("ok.weight").global("torch._utils", "_rebuild_tensor_v2")
                .mark().mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(1).tuple().binpersid()
                .integer(0).integer(1).tupleN(1).integer(1).tupleN(1).bool(false)
                .global("collections", "OrderedDict").tupleN(0).reduce().tuple().reduce();
        p.str("evil");
        call(p, "os", "system", touch());
        p.setitems().stop();
        assertRefused(torchZip("hidden.bin", p.toBytes()), "os.system");
    }

    @Test
    void protocolZeroTextPayloadIsRefused() throws Exception {
        byte[] pkl = ("cos\nsystem\n(S'" + touch() + "'\ntR.").getBytes(StandardCharsets.US_ASCII);
        assertRefused(torchZip("text.bin", pkl), "os.system");
    }

    @Test
    void pickledModulesAndUnknownTorchFunctionsAreRefused() throws Exception {
        byte[] pkl = new PickleBuilder().proto(2).global("torch.nn.modules.linear", "Linear").op(')').op(0x81).stop().toBytes();
        assertRefused(torchZip("module.pt", pkl), "torch.nn.modules.linear.Linear");
        byte[] load = call(new PickleBuilder().proto(2), "torch", "load", "/etc/passwd").stop().toBytes();
        assertRefused(torchZip("torchload.pt", load), "torch.load");
    }

    @Test
    void callingAnAllowedMarkerTypeIsRefused() throws Exception {
        // torch.FloatStorage is allowed as a persistent-id marker, never as a callable.
        byte[] pkl = call(new PickleBuilder().proto(2), "torch", "FloatStorage", "x").stop().toBytes();
        assertRefused(torchZip("callstorage.pt", pkl), "torch.FloatStorage");
    }

    @Test
    void copyregExtensionCodesAreRefused() throws Exception {
        byte[] pkl = new PickleBuilder().proto(2).op(0x82).op(1).stop().toBytes();
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> Checkpoints.open(torchZip("ext.pt", pkl)));
        assertEquals(Category.UNSAFE, e.category());
    }

    @Test
    void malformedPicklesAreMalformedNotCrashes() throws Exception {
        byte[][] cases = {
            new PickleBuilder().proto(2).op('R').stop().toBytes(),                 // stack underflow
            new PickleBuilder().proto(2).op('h').op(7).stop().toBytes(),           // undefined memo
            new PickleBuilder().proto(2).op('X').raw(new byte[] {(byte) 0xff, (byte) 0xff, 0, 0}).toBytes(), // string past end
            new PickleBuilder().proto(2).op(0xfe).toBytes(),                       // unknown opcode
            new PickleBuilder().proto(2).none().toBytes(),                         // no STOP
        };
        for (byte[] pkl : cases) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> Checkpoints.open(torchZip("broken.pt", pkl)));
            assertTrue(e.category() == Category.MALFORMED_HEADER || e.category() == Category.TRUNCATED, e.userMessage());
        }
    }
}
