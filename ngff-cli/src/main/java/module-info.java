/** The {@code ngff} command line: info, validate, copy, sample, export, serve. */
module dev.ngff.cli {
    requires dev.ngff.core;
    requires dev.ngff.validate;
    requires dev.ngff.tiff;
    requires dev.ngff.convert;
    requires dev.ngff.server;
    requires info.picocli;
    requires me.tongfei.progressbar;

    opens dev.ngff.cli to info.picocli;
}
