// zarrita as a conformance peer of ngff-engine: reads every cell of a manifest in one process.
//
// Usage: node zarrita_peer.mjs MANIFEST.json
// The manifest is the one the Python peers take (see ../resources/peers/matrix_peer.py).
// - read: opens each array and prints {id: {"ok", "digest", "shape", "dtype", "error"}}, where the digest
//   is SHA-256 over the elements in C order, little-endian, as the other peers compute it;
// - write: creates each Zarr v3 array with zarr.create from the cell's metadata document and writes the
//   shared value formula (values() below, the same as matrix_peer.py and CellValues.java) into its region.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as zarr from "zarrita";

// A store over a folder. @zarrita/storage's FileSystemStore passes the shard index's BigInt
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
    async set(key, value) {
      const file = join(root, key.replace(/^\//, ""));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, value);
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

// Text and bytes elements (an Array of strings or Uint8Arrays): the digest input is each element's u32
// little-endian length and bytes (UTF-8 for text), in C order, as the other peers compute it.
function cOrderElements(chunk) {
  const { data, shape, stride } = chunk;
  let n = 1;
  for (const s of shape) n *= s;
  const utf8 = new TextEncoder();
  const parts = [];
  const pos = new Array(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let at = 0;
    for (let d = 0; d < shape.length; d++) at += pos[d] * stride[d];
    const e = data[at];
    const b = typeof e === "string" ? utf8.encode(e) : new Uint8Array(e);
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, b.length, true);
    parts.push(len, b);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++pos[d] < shape[d]) break;
      pos[d] = 0;
    }
  }
  return Buffer.concat(parts);
}

export function cOrderBytes(chunk) {
  if (Array.isArray(chunk.data)) return cOrderElements(chunk);
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

const M64 = (1n << 64n) - 1n;
const K = 0x9E3779B97F4A7C15n;
const C = 0x632BE59BD9B4E019n;

function mixed(i) {
  const x = (BigInt(i) * K + C) & M64;
  return x ^ (x >> 29n);
}

function floatPart(x, i, half, shift, specials) {
  const bits = half ? 11n : 20n;
  const n = Number((x >> BigInt(shift)) & ((1n << bits) - 1n)) - Number(1n << (bits - 1n));
  const s = i % 61;
  if (s === specials[0]) return NaN;
  if (specials.length > 1) {
    if (s === specials[1]) return -0;
    if (s === specials[2]) return Infinity;
    if (s === specials[3]) return -Infinity;
  }
  return n / (half ? 4 : 16);
}

const ARRAYS = {
  bool: Uint8Array, int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
  float32: Float32Array, float64: Float64Array,
};

/** The formula's values of a region, as a C-ordered typed array of the data type. */
function values(dtype, shape, region) {
  const Ctor = ARRAYS[dtype];
  if (!Ctor) throw new Error(`no value formula for ${dtype} here`);
  let n = 1;
  for (const s of region.shape) n *= s;
  const out = new Ctor(n);
  const pos = new Array(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let i = 0;
    for (let d = 0; d < shape.length; d++) i = i * shape[d] + region.offset[d] + pos[d];
    const x = mixed(i);
    if (dtype === "bool") out[k] = Number((x >> 31n) & 1n);
    else if (dtype.startsWith("int")) out[k] = dtype === "int64" ? BigInt.asIntN(64, x) : Number(BigInt.asIntN(Number(dtype.slice(3)), x));
    else if (dtype.startsWith("uint")) out[k] = dtype === "uint64" ? x : Number(BigInt.asUintN(Number(dtype.slice(4)), x));
    else out[k] = floatPart(x, i, false, 44, [3, 7, 11, 13]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++pos[d] < region.shape[d]) break;
      pos[d] = 0;
    }
  }
  return out;
}

function cStrides(shape) {
  const stride = new Array(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    stride[d] = step;
    step *= shape[d];
  }
  return stride;
}

async function write(root, cell) {
  const doc = cell.doc;
  if (doc.zarr_format !== 3) throw new Error("zarrita writes Zarr v3 only");
  const cke = doc.chunk_key_encoding;
  if (cke.name !== "default") throw new Error("zarrita's create writes only the default chunk key encoding");
  const arr = await zarr.create(root.resolve(cell.path), {
    shape: doc.shape,
    dtype: doc.data_type,
    chunkShape: doc.chunk_grid.configuration.chunk_shape,
    chunkSeparator: cke.configuration.separator,
    codecs: doc.codecs,
    fillValue: doc.fill_value,
  });
  const data = values(doc.data_type, doc.shape, cell.region);
  const selection = cell.region.offset.map((o, d) => zarr.slice(o, o + cell.region.shape[d]));
  await zarr.set(arr, selection, { data: doc.data_type === "bool" ? new zarr.BoolArray(data.buffer) : data,
    shape: cell.region.shape, stride: cStrides(cell.region.shape) });
}

async function main() {
  const manifest = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const root = zarr.root(folderStore(manifest.root));
  const out = {};
  for (const cell of manifest.cells) {
    if (manifest.mode === "write") {
      try {
        await write(root, cell);
        out[cell.id] = { ok: true };
      } catch (e) {
        out[cell.id] = { ok: false, error: `${e?.name ?? "Error"}: ${e?.message ?? e}`.split("\n")[0] };
      }
      continue;
    }
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

// run as a program, not when zarrita_http.mjs imports cOrderBytes
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
