package dev.strom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How a batch's rows are read: spreadsheet quoting, templates, and which rows are bad and why. */
class BatchRowsTest {

    @TempDir
    Path dir;

    @Test
    void quotedCellsKeepTheirCommasQuotesAndLineBreaksAndASpreadsheetsByteOrderMarkIsIgnored() throws Exception {
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "\uFEFFprompt,seed,name\n\"a red apple, moving left\",7,apple\n"
                + "\"the \"\"star\"\"\nspins\",,\n\n");
        List<BatchRows.Row> rows = BatchRows.read(csv, null);
        assertEquals(2, rows.size(), "an empty line is no row");
        assertEquals("a red apple, moving left", rows.get(0).prompt());
        assertEquals(7L, rows.get(0).seed());
        assertEquals("apple", rows.get(0).name());
        assertEquals("the \"star\"\nspins", rows.get(1).prompt());
        assertNull(rows.get(1).seed(), "an empty seed cell: the derived seed");
        assertNull(rows.get(1).name());
    }

    @Test
    void aTemplateIsFilledFromEachRowAndARowLackingAFieldIsBad() throws Exception {
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "colour,object,seed\nred,apple,1\nblue\nyellow,,2\ngreen,tree,x\n");
        List<BatchRows.Row> rows = BatchRows.read(csv, "a {colour} { object } here");
        assertEquals("a red apple here", rows.get(0).prompt());
        assertNull(rows.get(0).error());
        assertEquals("field 'object' is missing from the row", rows.get(1).error());
        assertEquals("field 'object' is empty", rows.get(2).error());
        assertEquals("seed must be a whole number, got 'x'", rows.get(3).error());
        assertEquals(List.of(1, 2, 3, 4), rows.stream().map(BatchRows.Row::row).toList(), "rows numbered after the header");
    }

    @Test
    void templatesWithUnpairedBracesOrEmptyFieldsAreRefused() {
        assertEquals(List.of("a", "b"), BatchRows.fields("{a} and {b}"));
        assertEquals(List.of(), BatchRows.fields("no fields at all"));
        assertThrows(IllegalArgumentException.class, () -> BatchRows.fields("{a"));
        assertThrows(IllegalArgumentException.class, () -> BatchRows.fields("a}"));
        assertThrows(IllegalArgumentException.class, () -> BatchRows.fields("{}"));
        assertThrows(IllegalArgumentException.class, () -> BatchRows.fields(" "));
    }

    @Test
    void onlyCsvAndJsonlAreRead() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchRows.read(dir.resolve("rows.xlsx"), null));
        assertEquals("rows must be a .csv or a .jsonl file, got rows.xlsx", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchRows.read(dir.resolve("rows.jsonl"), "{a}"));
    }

    @Test
    void jsonlValuesOfTheWrongTypeMakeTheRowBad() throws Exception {
        Path jsonl = dir.resolve("rows.jsonl");
        Files.writeString(jsonl, "{\"prompt\": \"a\", \"seed\": 1.5}\n{\"prompt\": \"a\", \"sampler\": \"fast\"}\n"
                + "{\"prompt\": 3}\n[1]\n{\"prompt\": \"a\", \"image\": \"sub/still.png\", \"strict\": false}\n");
        List<BatchRows.Row> rows = BatchRows.read(jsonl, null);
        assertEquals("seed must be a whole number", rows.get(0).error());
        assertEquals("sampler must be jacobi or sequential, got 'fast'", rows.get(1).error());
        assertEquals("prompt must be a string", rows.get(2).error());
        assertEquals("not a JSON object", rows.get(3).error());
        assertEquals(dir.toAbsolutePath().resolve("sub/still.png"), rows.get(4).image(), "relative to the JSONL's folder");
        assertEquals(false, rows.get(4).strict());
    }

    @Test
    void rowsWithoutANameAreNamedByRowNumberAndPromptAndNamesStayInTheFolder() {
        BatchRows.Row row = new BatchRows.Row(7, "Ein roter Apfel bewegt sich nach links auf blauem Hintergrund, schnell!",
                null, null, null, null, null, null, null, null, null, null);
        assertEquals("0007-ein-roter-apfel-bewegt-sich-nach-links-auf-blauem.mp4", BatchCommand.fileName(row, "mp4"));
        assertEquals("clip.gif", BatchCommand.fileName(named("clip"), "gif"));
        assertEquals("clip.webm", BatchCommand.fileName(named("clip.webm"), "gif"));
        assertEquals("manifest.csv.mp4", BatchCommand.fileName(named("manifest.csv"), "mp4"), "never the manifest");
        for (String bad : List.of("../x", "a/b", "a\\b", ".hidden", " ")) {
            assertThrows(IllegalArgumentException.class, () -> BatchCommand.fileName(named(bad), "mp4"), bad);
        }
    }

    private static BatchRows.Row named(String name) {
        return new BatchRows.Row(1, "p", null, null, null, null, null, null, null, null, name, null);
    }
}
