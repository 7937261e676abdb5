package dev.ngff.testing;

/**
 * Removes {@code //} line comments from JSON text outside strings. Some upstream OME-NGFF examples
 * ({@code examples/multiscales_strict/*.json} in ngff-spec) are JSONC; this is the one quirk we undo
 * before parsing them.
 */
public final class Jsonc {
    private Jsonc() {
    }

    public static String strip(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\' && i + 1 < text.length()) {
                    out.append(text.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                out.append(c);
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                out.append('\n');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** True when the text holds a {@code //} comment outside strings. */
    public static boolean hasComments(String text) {
        return !strip(text).equals(text);
    }
}
