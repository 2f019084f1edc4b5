// `npm run gen`: regenerates src/tl/generated/ from src/tl/schema/ (byte for byte reproducible).
import { mkdirSync, writeFileSync } from 'node:fs';
import { generate, loadModel } from '../src/tl/codegen/generate.ts';
import { schemaTextModules } from '../src/tl/codegen/schema-texts.ts';

const model = loadModel();
for (const w of model.warnings) console.warn(`warning: ${w}`);
const dir = new URL('../src/tl/generated/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, text] of generate(model)) {
  writeFileSync(new URL(name, dir), text);
  console.log(`wrote src/tl/generated/${name} (${text.length} chars)`);
}

// The schema texts of every layer we hold, for the old-layer codecs (src/tl/layers/).
const texts = new URL('../src/tl/generated/schemas/', import.meta.url);
mkdirSync(texts, { recursive: true });
for (const [name, text] of schemaTextModules()) {
  writeFileSync(new URL(name, texts), text);
  console.log(`wrote src/tl/generated/schemas/${name} (${text.length} chars)`);
}
