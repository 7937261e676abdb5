package dev.ngff.cli;

import dev.ngff.convert.CodecChoice;
import dev.ngff.convert.ConvertOptionException;
import picocli.CommandLine;

/** Picocli converter for {@code --codec}: {@link CodecChoice#parse}, its errors as conversion errors. */
final class CodecChoiceConverter implements CommandLine.ITypeConverter<CodecChoice> {
    @Override
    public CodecChoice convert(String value) {
        try {
            return CodecChoice.parse(value);
        } catch (ConvertOptionException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
