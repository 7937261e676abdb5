/** The {@code ngff} command line: info, copy, sample, export. */
module dev.ngff.cli {
    requires dev.ngff.core;
    requires info.picocli;
    requires me.tongfei.progressbar;

    opens dev.ngff.cli to info.picocli;
}
