// zarrita reading an OME-Zarr image over HTTP, as web viewers do (FetchStore: GET with Range headers).
//
// Usage: node zarrita_http.mjs BASE_URL [TOKEN]
// Opens the group at BASE_URL, takes the levels its OME multiscales metadata names (0.5 under "ome",
// 0.4 at the top of the attributes), reads each level whole and prints
// {"version", "levels": [path...], "arrays": {path: {"shape", "dtype", "digest"}}}, where the digest is
// SHA-256 over the elements in C order, little-endian, as the other peers compute it.
import { createHash } from "node:crypto";
import * as zarr from "zarrita";
import { cOrderBytes } from "./zarrita_peer.mjs";

async function main() {
  const [base, token] = process.argv.slice(2);
  const store = new zarr.FetchStore(base, token ? { overrides: { headers: { Authorization: `Bearer ${token}` } } } : {});
  const root = zarr.root(store);
  const group = await zarr.open(root, { kind: "group" });
  const attrs = group.attrs;
  const ome = attrs.ome ?? attrs;
  const multiscales = ome.multiscales;
  if (!multiscales) throw new Error(`no multiscales at ${base}`);
  const levels = multiscales[0].datasets.map((d) => d.path);
  const arrays = {};
  for (const path of levels) {
    const arr = await zarr.open(root.resolve(path), { kind: "array" });
    const chunk = await zarr.get(arr);
    arrays[path] = {
      shape: chunk.shape,
      dtype: String(arr.dtype),
      digest: createHash("sha256").update(cOrderBytes(chunk)).digest("hex"),
    };
  }
  process.stdout.write(JSON.stringify({ version: ome.version ?? null, levels, arrays }));
}

main().catch((e) => {
  console.error(`${e?.name ?? "Error"}: ${e?.message ?? e}`);
  process.exit(1);
});
