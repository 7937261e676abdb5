package dev.ngff.server.internal;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Request headers that keep only the fields this server or Netty's HTTP/1.1 decoder reads ({@link #KEPT});
 * every other field (Host, User-Agent, Accept, Cookie, a browser's Sec-* fields ...) is checked and then
 * dropped. A request whose fields are all dropped (wrk's, which sends only Host) allocates no map at all;
 * the others get one small map holding the kept fields.
 *
 * <p>Validation is ours instead of Netty's (which checks every field as it is stored): every field, kept or
 * not, must have a token as its name (RFC 9110 5.1, so "Content-Length : 1" or a name with a control
 * character is refused as before) and a value free of control characters other than tab (RFC 9110 5.5).
 * A field that fails throws {@link IllegalArgumentException}, which the decoder turns into a failed
 * request (answered 400). Used by one decoder, on one event loop; not thread-safe.
 */
final class KeptRequestHeaders extends HttpHeaders {
    /** Fields read by RequestHandler, HttpUtil.isKeepAlive and the decoder's body framing. */
    static final List<AsciiString> KEPT = List.of(
            HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.CONNECTION,
            HttpHeaderNames.EXPECT, HttpHeaderNames.UPGRADE, HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
            HttpHeaderNames.AUTHORIZATION, HttpHeaderNames.RANGE, HttpHeaderNames.IF_RANGE, HttpHeaderNames.IF_NONE_MATCH,
            HttpHeaderNames.IF_MODIFIED_SINCE, HttpHeaderNames.ACCEPT_ENCODING);

    /** Kept fields are stored here unvalidated: {@link #check} ran on them already. */
    private static final DefaultHttpHeadersFactory STORE = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    /** Makes these headers for a request decoder ({@code HttpDecoderConfig.setHeadersFactory}). */
    static final HttpHeadersFactory FACTORY = new HttpHeadersFactory() {
        @Override
        public HttpHeaders newHeaders() {
            return new KeptRequestHeaders();
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
            return EmptyHttpHeaders.INSTANCE;
        }
    };

    /** The kept fields; null while there are none. */
    private HttpHeaders kept;

    private KeptRequestHeaders() {
    }

    /** Whether {@code name} is kept (ASCII case-insensitive). */
    static boolean kept(CharSequence name) {
        // a dozen names, compared by length first: no lookup key is made per field
        int n = name.length();
        for (AsciiString k : KEPT) {
            if (k.length() == n && k.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Throws IllegalArgumentException unless the field is well formed; see the class comment. */
    static void check(CharSequence name, CharSequence value) {
        int n = name.length();
        if (n == 0) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < n; i++) {
            if (!tokenChar(name.charAt(i))) {
                throw new IllegalArgumentException("header name with a character outside a token at index " + i);
            }
        }
        for (int i = 0, m = value.length(); i < m; i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("header value with a control character at index " + i);
            }
        }
    }

    private static boolean tokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || (c < 0x80 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }

    private HttpHeaders store() {
        if (kept == null) {
            kept = STORE.newHeaders();
        }
        return kept;
    }

    private HttpHeaders view() {
        return kept == null ? EmptyHttpHeaders.INSTANCE : kept;
    }

    // ---------------------------------------------------------------- writes: checked, then kept or dropped

    @Override
    public HttpHeaders add(CharSequence name, Object value) {
        CharSequence v = value instanceof CharSequence s ? s : String.valueOf(value);
        check(name, v);
        if (kept(name)) {
            store().add(name, v);
        }
        return this;
    }

    @Override
    public HttpHeaders add(String name, Object value) {
        return add((CharSequence) name, value);
    }

    @Override
    public HttpHeaders add(String name, Iterable<?> values) {
        for (Object v : values) {
            add(name, v);
        }
        return this;
    }

    @Override
    public HttpHeaders addInt(CharSequence name, int value) {
        return add(name, Integer.toString(value));
    }

    @Override
    public HttpHeaders addShort(CharSequence name, short value) {
        return add(name, Short.toString(value));
    }

    @Override
    public HttpHeaders set(CharSequence name, Object value) {
        remove(name);
        return add(name, value);
    }

    @Override
    public HttpHeaders set(String name, Object value) {
        return set((CharSequence) name, value);
    }

    @Override
    public HttpHeaders set(String name, Iterable<?> values) {
        remove(name);
        return add(name, values);
    }

    @Override
    public HttpHeaders setInt(CharSequence name, int value) {
        return set(name, Integer.toString(value));
    }

    @Override
    public HttpHeaders setShort(CharSequence name, short value) {
        return set(name, Short.toString(value));
    }

    @Override
    public HttpHeaders remove(String name) {
        if (kept != null) {
            kept.remove(name);
        }
        return this;
    }

    @Override
    public HttpHeaders remove(CharSequence name) {
        if (kept != null) {
            kept.remove(name);
        }
        return this;
    }

    @Override
    public HttpHeaders clear() {
        kept = null;
        return this;
    }

    // ---------------------------------------------------------------- reads: what was kept

    @Override
    public String get(String name) {
        return view().get(name);
    }

    @Override
    public String get(CharSequence name) {
        return view().get(name);
    }

    @Override
    public Integer getInt(CharSequence name) {
        return view().getInt(name);
    }

    @Override
    public int getInt(CharSequence name, int defaultValue) {
        return view().getInt(name, defaultValue);
    }

    @Override
    public Short getShort(CharSequence name) {
        return view().getShort(name);
    }

    @Override
    public short getShort(CharSequence name, short defaultValue) {
        return view().getShort(name, defaultValue);
    }

    @Override
    public Long getTimeMillis(CharSequence name) {
        return view().getTimeMillis(name);
    }

    @Override
    public long getTimeMillis(CharSequence name, long defaultValue) {
        return view().getTimeMillis(name, defaultValue);
    }

    @Override
    public List<String> getAll(String name) {
        return view().getAll(name);
    }

    @Override
    public List<String> getAll(CharSequence name) {
        return view().getAll(name);
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return view().entries();
    }

    @Override
    public boolean contains(String name) {
        return view().contains(name);
    }

    @Override
    public boolean contains(CharSequence name) {
        return view().contains(name);
    }

    @Override
    public boolean contains(String name, String value, boolean ignoreCase) {
        return view().contains(name, value, ignoreCase);
    }

    @Override
    public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
        return view().contains(name, value, ignoreCase);
    }

    @Override
    public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
        return view().containsValue(name, value, ignoreCase);
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return view().iterator();
    }

    @Override
    public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
        return view().iteratorCharSequence();
    }

    @Override
    public boolean isEmpty() {
        return kept == null || kept.isEmpty();
    }

    @Override
    public int size() {
        return kept == null ? 0 : kept.size();
    }

    @Override
    public Set<String> names() {
        return view().names();
    }

    @Override
    public HttpHeaders copy() {
        return kept == null ? STORE.newHeaders() : kept.copy();
    }
}
