package dev.ngff.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Who holds (or held) a writer lock or started a bulk write: the process and the machine it runs on.
 * Immutable.
 *
 * @param id           a random identifier of this acquisition (two locks by one process differ)
 * @param host         the host name of the machine
 * @param pid          the process id on that machine
 * @param processStart when that process started, if the platform says; with {@code pid} it names the
 *                     process even after its pid is reused
 * @param command      what the process is doing, for people ({@code ngff copy a.zarr b.zarr})
 * @param acquiredAt   when the lock was taken
 */
public record LockHolder(String id, String host, long pid, Optional<Instant> processStart, String command,
                         Instant acquiredAt) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public LockHolder {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(processStart, "processStart");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(acquiredAt, "acquiredAt");
        if (id.isEmpty() || pid < 0) {
            throw new IllegalArgumentException("lock holder needs an id and a pid >= 0");
        }
    }

    /** The current process, doing {@code command}, with a fresh random id. */
    public static LockHolder currentProcess(String command) {
        ProcessHandle self = ProcessHandle.current();
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return new LockHolder(HexFormat.of().formatHex(id), localHost(), self.pid(), self.info().startInstant(),
                command, Instant.now());
    }

    /** The name of this machine: the kernel's host name where there is one, else the resolver's. */
    public static String localHost() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String h = Files.readString(kernel).trim();
                if (!h.isEmpty()) {
                    return h;
                }
            }
        } catch (IOException | SecurityException ignored) {
            // fall back to the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    /**
     * True only when this holder's process is provably gone: it ran on this host and either no process
     * has its pid now, or the process with its pid started at another time (the pid was reused).
     * Anything else (another host, an unknown start time) is not proof.
     */
    public boolean provablyDead() {
        if (!host.equals(localHost())) {
            return false;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return true;
        }
        Optional<Instant> started = p.get().info().startInstant();
        return processStart.isPresent() && started.isPresent() && !started.get().equals(processStart.get());
    }

    /** One line for people: {@code ngff copy a b (pid 42 on host h, started ..., since ...)}. */
    public String describe() {
        return "'" + command + "' (pid " + pid + " on host " + host
                + processStart.map(s -> ", process started " + s).orElse("") + ", since " + acquiredAt + ", id "
                + id + ")";
    }

    /** The JSON form stored in lock and marker objects. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("host", host);
        o.put("pid", pid);
        processStart.ifPresent(s -> o.put("process_start", s.toString()));
        o.put("command", command);
        o.put("acquired_at", acquiredAt.toString());
        return o;
    }

    /** Parses {@link #toJson()}; {@code where} names the store and key in errors. */
    public static LockHolder fromJson(JsonNode o, String where) throws InvalidMetadataException {
        try {
            String id = text(o, "id", where);
            String host = text(o, "host", where);
            JsonNode pid = o.path("pid");
            if (!pid.canConvertToLong() || !pid.isIntegralNumber()) {
                throw new InvalidMetadataException(where + ": /pid must be an integer");
            }
            Optional<Instant> start = o.hasNonNull("process_start")
                    ? Optional.of(Instant.parse(text(o, "process_start", where))) : Optional.empty();
            return new LockHolder(id, host, pid.asLong(), start, text(o, "command", where),
                    Instant.parse(text(o, "acquired_at", where)));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new InvalidMetadataException(where + ": not a lock holder (" + e.getMessage() + ")");
        }
    }

    static LockHolder parse(Bytes bytes, String where) throws InvalidMetadataException {
        JsonNode doc = Json.parse(bytes, where);
        JsonNode h = doc.path("holder");
        if (!h.isObject()) {
            throw new InvalidMetadataException(where + ": /holder must be an object");
        }
        return fromJson(h, where);
    }

    /** A required string field of a JSON object; {@code where} names the store and key in the error. */
    static String text(JsonNode o, String field, String where) throws InvalidMetadataException {
        JsonNode v = o.path(field);
        if (!v.isTextual()) {
            throw new InvalidMetadataException(where + ": /" + field + " must be a string");
        }
        return v.asText();
    }
}
