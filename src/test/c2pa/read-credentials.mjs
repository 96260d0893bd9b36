// Reads the C2PA manifest store of each MP4 named on the command line with the C2PA reference implementation
// and prints one JSON line per file: its validation state, the failure codes, and the active manifest.
// TRUST_ANCHORS (a PEM file) makes a chain under one of its roots trusted.
import { readFileSync } from 'node:fs';
import { initSync, WasmReader } from '@contentauth/c2pa-wasm';

initSync({ module: readFileSync(new URL('./node_modules/@contentauth/c2pa-wasm/pkg/c2pa_bg.wasm', import.meta.url)) });
const anchors = process.env.TRUST_ANCHORS ? readFileSync(process.env.TRUST_ANCHORS, 'utf8') : null;
const context = anchors ? JSON.stringify({ trust: { trust_anchors: anchors }, verify: { verify_trust: true } }) : null;

for (const file of process.argv.slice(2)) {
  const line = { file };
  try {
    const reader = await WasmReader.fromBytes('video/mp4', new Uint8Array(readFileSync(file)), context);
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
  console.log(JSON.stringify(line));
}
