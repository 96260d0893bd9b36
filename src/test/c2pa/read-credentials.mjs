// Reads the C2PA manifest store of each MP4 named on the command line with two implementations Reelflow's writer
// shares no code with, and prints one JSON line per file:
// - the C2PA reference implementation (c2pa-rs built to WebAssembly): its validation state (Trusted, Valid,
//   Invalid), the failure and success codes, and the active manifest; TRUST_ANCHORS (a PEM file) makes a chain under
//   one of its roots trusted;
// - c2pa-ts (pure TypeScript): whether the manifest validates (signature, hashed assertions, actions, the BMFF hard
//   binding) and its status codes. c2pa-ts 0.9.4 reads BMFF files only under the HEIF brands, so it is given a copy
//   whose ftyp names mif1: ftyp is excluded from the hard binding, so the copy is bound exactly as the file is.
import { readFileSync } from 'node:fs';
import { initSync, WasmReader } from '@contentauth/c2pa-wasm';
import { BMFF } from '@trustnxt/c2pa-ts/asset';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import { ManifestStore, ValidationResult } from '@trustnxt/c2pa-ts/manifest';

initSync({ module: readFileSync(new URL('./node_modules/@contentauth/c2pa-wasm/pkg/c2pa_bg.wasm', import.meta.url)) });
const anchors = process.env.TRUST_ANCHORS ? readFileSync(process.env.TRUST_ANCHORS, 'utf8') : null;
const context = anchors ? JSON.stringify({ trust: { trust_anchors: anchors }, verify: { verify_trust: true } }) : null;

async function readWithC2paTs(bytes) {
  const copy = bytes.slice();
  if (new TextDecoder().decode(copy.subarray(4, 8)) === 'ftyp') copy.set(new TextEncoder().encode('mif1'), 8);
  let result;
  try {
    const asset = new BMFF(copy);
    const jumbf = asset.getManifestJUMBF();
    if (!jumbf) return { valid: false, codes: [], error: 'no manifest store' };
    result = await ManifestStore.read(SuperBox.fromBuffer(jumbf)).validate(asset);
  } catch (e) {
    result = ValidationResult.fromError(e);
  }
  return { valid: result.isValid, codes: result.statusEntries.map(e => e.code) };
}

for (const file of process.argv.slice(2)) {
  const bytes = new Uint8Array(readFileSync(file));
  const line = { file };
  try {
    const reader = await WasmReader.fromBytes('video/mp4', bytes, context);
    const store = JSON.parse(reader.json());
    const results = store.validation_results?.activeManifest ?? {};
    line.state = store.validation_state;
    line.failures = (results.failure ?? []).map(f => f.code);
    line.successes = (results.success ?? []).map(s => s.code);
    line.manifest = store.manifests?.[store.active_manifest] ?? null;
    line.manifests = Object.keys(store.manifests ?? {}).length;
  } catch (e) {
    line.error = String(e);
  }
  line.c2paTs = await readWithC2paTs(bytes);
  console.log(JSON.stringify(line));
}
