// zarrita reads one Zarr array over HTTP whole, as a script does with zarr.get(array): zarrita asks for every
// chunk at once and Node's fetch opens a connection for each request that finds none free (thousands).
//
// Usage: node read_whole_array.mjs ARRAY_URL
// Prints {"shape": [...], "dtype": "...", "digest": SHA-256 of the elements in C order, little-endian}.
import { createHash } from "node:crypto";
import * as zarr from "zarrita";

async function main() {
  const [url] = process.argv.slice(2);
  const arr = await zarr.open(zarr.root(new zarr.FetchStore(url)), { kind: "array" });
  const all = await zarr.get(arr);
  const bytes = new Uint8Array(all.data.buffer, all.data.byteOffset, all.data.byteLength);
  process.stdout.write(JSON.stringify({
    shape: all.shape,
    dtype: String(arr.dtype),
    digest: createHash("sha256").update(bytes).digest("hex"),
  }));
}

main().catch((e) => {
  console.error(`${e?.name ?? "Error"}: ${e?.message ?? e}${e?.cause ? ` (${e.cause.code ?? e.cause.message ?? e.cause})` : ""}`);
  process.exit(1);
});
