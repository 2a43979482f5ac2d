// Reads an asset with the official C2PA SDK (c2pa-rs compiled to WebAssembly) and prints, as one JSON
// line, the active manifest's label, its validation state and every validation status code it reported.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync, WasmReader } from '@contentauth/c2pa-wasm';

const [file, format] = process.argv.slice(2);
const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });
try {
  const reader = await WasmReader.fromBytes(format, new Uint8Array(readFileSync(file)));
  const store = JSON.parse(reader.json());
  const active = store.active_manifest ? store.manifests[store.active_manifest] : null;
  const results = store.validation_results?.activeManifest ?? {};
  console.log(JSON.stringify({
    present: true,
    state: store.validation_state ?? null,
    failure: (results.failure ?? []).map(s => s.code),
    success: (results.success ?? []).map(s => s.code),
    informational: (results.informational ?? []).map(s => s.code),
    status: (store.validation_status ?? []).map(s => s.code),
    issuer: active?.signature_info?.issuer ?? null,
    generator: active?.claim_generator_info ?? null,
    assertions: (active?.assertions ?? []).map(a => a.label),
  }));
} catch (e) {
  console.log(JSON.stringify({ present: false, error: String(e?.message ?? e) }));
}
