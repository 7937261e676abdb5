// zarrita as a conformance peer of ngff-engine: reads every cell of a manifest in one process.
//
// Usage: node zarrita_peer.mjs MANIFEST.json
// The manifest is the one the Python peers take (see ../resources/peers/matrix_peer.py); only mode "read"
// is driven here. Prints one JSON object {id: {"ok", "digest", "shape", "dtype", "error"}}, where the
// digest is SHA-256 over the elements in C order, little-endian, as the other peers compute it.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as zarr from "zarrita";

// A read-only store over a folder. @zarrita/storage's FileSystemStore passes the shard index's BigInt
// ranges to fs.read, which aborts Node 20 (assertion args[3]->IsInt32()); ranges are converted here.
function folderStore(root) {
  const load = (key) => {
    try {
      return new Uint8Array(readFileSync(join(root, key.replace(/^\//, ""))));
    } catch (e) {
      if (e.code === "ENOENT") return undefined;
      throw e;
    }
  };
  return {
    async get(key) {
      return load(key);
    },
    async getRange(key, range) {
      const all = load(key);
      if (all === undefined) return undefined;
      if ("suffixLength" in range) return all.subarray(all.length - Number(range.suffixLength));
      const from = Number(range.offset);
      return all.subarray(from, from + Number(range.length));
    },
  };
}

function cOrderBytes(chunk) {
  const { data, shape, stride } = chunk;
  const size = data.BYTES_PER_ELEMENT;
  const src = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let n = 1;
  for (const s of shape) n *= s;
  const out = new Uint8Array(n * size);
  const pos = new Array(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let at = 0;
    for (let d = 0; d < shape.length; d++) at += pos[d] * stride[d];
    out.set(src.subarray(at * size, at * size + size), i * size);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++pos[d] < shape[d]) break;
      pos[d] = 0;
    }
  }
  return out;
}

async function main() {
  const manifest = JSON.parse(readFileSync(process.argv[2], "utf8"));
  if (manifest.mode !== "read") throw new Error("zarrita is driven as a reader only");
  const root = zarr.root(folderStore(manifest.root));
  const out = {};
  for (const cell of manifest.cells) {
    try {
      const loc = root.resolve(cell.path);
      const arr = cell.doc.zarr_format === 2
        ? await zarr.open.v2(loc, { kind: "array" })
        : await zarr.open.v3(loc, { kind: "array" });
      const chunk = await zarr.get(arr);
      const digest = createHash("sha256").update(cOrderBytes(chunk)).digest("hex");
      out[cell.id] = { ok: true, digest, shape: chunk.shape, dtype: String(arr.dtype) };
    } catch (e) {
      const msg = `${e?.name ?? "Error"}: ${e?.message ?? e}` + (e?.cause ? ` (cause: ${e.cause?.message ?? e.cause})` : "");
      out[cell.id] = { ok: false, error: msg.split("\n")[0] };
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
