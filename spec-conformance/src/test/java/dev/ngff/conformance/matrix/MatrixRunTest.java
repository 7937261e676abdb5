package dev.ngff.conformance.matrix;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.metadata.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How a cell is classified before anything runs: implemented, pending on another branch, or ours to fail. */
class MatrixRunTest {
    private final MatrixRun run = new MatrixRun(Path.of("unused"), List.of(), List.of(), null, false);

    private static Cell cell(String codecName, String pending, String dtype, String dtypePending) {
        ObjectNode v3 = Json.object();
        ObjectNode c = v3.putArray("compressors").addObject();
        c.put("name", codecName);
        Catalogue.CodecVariant variant = new Catalogue.CodecVariant("x", pending, null, null, null, v3, null);
        return new Cell(3, variant, new Catalogue.DtypeEntry(dtype, dtypePending), "C", "little",
                new Catalogue.ShapeCase("s", new long[] {4}, new long[] {2}), "zero", "none", "slash");
    }

    @Test
    void aPendingCodecThatTheRegistryLacksIsNotImplementedYetAndNamesItsBranch() {
        // a name no branch will ever register, so merging codec branches cannot flip this cell on
        assertThat(run.engineGap(cell("numcodecs.not-a-real-codec", "feat/somewhere-else", "uint8", null)))
                .hasValueSatisfying(g -> assertThat(g).contains("numcodecs.not-a-real-codec").contains("feat/somewhere-else"));
    }

    @Test
    void aPendingCodecThatTheRegistryHasRunsSoMergedBranchesFlipTheirCellsOn() {
        assertThat(run.engineGap(cell("gzip", "feat/somewhere", "uint8", null))).isEmpty();
    }

    @Test
    void aCodecTheCatalogueClaimsButTheRegistryLacksRunsAndSoFails() {
        assertThat(run.engineGap(cell("no-such-codec", null, "uint8", null))).isEmpty();
    }

    @Test
    void aPendingDataTypeIsNotImplementedYet() {
        assertThat(run.engineGap(cell("gzip", null, "float8_e4m3fnuz", "feat/somewhere")))
                .hasValueSatisfying(g -> assertThat(g).contains("float8_e4m3fnuz").contains("feat/somewhere"));
    }

    @Test
    void variableLengthTypesRunNow() {
        assertThat(run.engineGap(cell("gzip", null, "string", null))).isEmpty();
        assertThat(run.engineGap(cell("sharding-end", null, "variable_length_bytes", null))).isEmpty();
    }

    @Test
    void theTextAndBytesFormulasAreTheOnesPythonComputes() {
        // golden values printed by matrix_peer.py's text() and bytes_of()
        assertThat(CellValues.text(0)).isEqualTo("v0-632be5");
        assertThat(CellValues.text(1)).isEqualTo("v1-1635f\u00e9");
        assertThat(CellValues.text(2)).isEqualTo("v2-9f9ad9\u4e16\u754c\ud83d\ude00");
        assertThat(CellValues.text(5)).isEmpty();
        assertThat(CellValues.text(7)).hasSize(400);
        assertThat(java.util.HexFormat.of().formatHex(CellValues.bytes(3))).isEqualTo("1ac308bccd57d84422cb10c4d55fe0");
        assertThat(CellValues.bytes(7)).hasSize(302);
        assertThat(CellValues.bytes(5)).isEmpty();
    }

    @Test
    void theValueFormulaIsTheOnePythonComputes() {
        // golden values printed by matrix_peer.py: mixed(0..2) and the float32 bits of elements 0..15
        assertThat(CellValues.mixed(0)).isEqualTo(7146057677987892423L);
        assertThat(CellValues.mixed(1)).isEqualTo(100028436816701060L);
        assertThat(Long.toUnsignedString(CellValues.mixed(2))).isEqualTo("11500743236031287349");
        long[] f32 = {3320226048L, 3338484064L, 1174197888L, 2143289344L, 1186468736L, 3300382720L, 3335458464L,
                2147483648L, 3324797248L, 1189494336L, 1166718208L, 2139095040L, 1184598816L, 4286578688L, 3337328384L,
                1176612864L};
        var b = CellValues.region(dev.ngff.metadata.DataType.FLOAT32, new long[] {20}, new long[] {0}, new long[] {20});
        for (int i = 0; i < f32.length; i++) {
            assertThat(Integer.toUnsignedLong(Float.floatToRawIntBits(b.getFloat(i)))).as("element %d", i).isEqualTo(f32[i]);
        }
    }
}
