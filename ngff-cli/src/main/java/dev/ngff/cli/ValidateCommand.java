package dev.ngff.cli;

import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.validate.OmeValidator;
import dev.ngff.validate.Report;
import dev.ngff.validate.SchemaSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ngff validate}: checks an OME-Zarr hierarchy against the specification. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        header = "Validate an OME-Zarr image, plate, well, labels group or bioformats2raw collection.",
        description = {
            "Runs the structural rules (always: the OME-NGFF 0.4/0.5/0.6 metadata rules, covering what the official "
                    + "schemas check; version, Zarr format, dataset arrays exist with rank = number of axes, "
                    + "dimension_names = axes (0.5+), levels fine to coarse, integer labels, listed labels/wells/"
                    + "fields/series exist) and, when schemas are configured, the official OME-NGFF JSON schemas "
                    + "(draft 2020-12). --metadata-only skips everything past the metadata documents.",
            "Schemas come from --schemas, else the NGFF_SCHEMAS environment variable: a directory searched for "
                    + "*.schema files (an ngff-spec checkout works as it is). They are not shipped with ngff.",
            "Exit code 0 only when valid (with --strict: no warnings either), 1 when invalid or unreadable."})
public final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<path-or-uri>",
            description = "Directory, zip file (.zip/.ozx), file: or http(s):// URI of the OME-Zarr group.")
    String location;

    @Option(names = "--strict", description = "Use the strict schemas and count warnings as failures.")
    boolean strict;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--metadata-only", description = "Check the OME metadata documents only: no arrays are opened and "
            + "the datasets, labels, wells, fields and series they name need not exist.")
    boolean metadataOnly;

    @Option(names = "--schemas", paramLabel = "DIR",
            description = "Directory with the OME-NGFF *.schema files (default: env NGFF_SCHEMAS).")
    Path schemas;

    @Override
    public Integer call() throws IOException {
        Optional<SchemaSet> set = schemas != null ? Optional.of(SchemaSet.load(schemas)) : SchemaSet.fromConfiguration();
        Report report;
        try (ReadableStore store = Locations.openReadable(spec.commandLine(), location);
             ExecutionContext ctx = ExecutionContext.create()) {
            report = new OmeValidator(new OmeValidator.Options(strict, set.orElse(null), metadataOnly)).validate(store, Key.ROOT, ctx);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new String(dev.ngff.metadata.Json.write(report.toJson()).toArray(), java.nio.charset.StandardCharsets.UTF_8));
        } else {
            out.print(report.toText());
        }
        out.flush();
        return report.valid() ? 0 : Failures.FAILED;
    }
}
