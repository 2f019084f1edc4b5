// `npm run gen`: regenerates src/tl/generated/ from src/tl/schema/ (byte for byte reproducible).
import { mkdirSync, writeFileSync } from 'node:fs';
import { generate, loadModel } from '../src/tl/codegen/generate.ts';

const model = loadModel();
for (const w of model.warnings) console.warn(`warning: ${w}`);
const dir = new URL('../src/tl/generated/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, text] of generate(model)) {
  writeFileSync(new URL(name, dir), text);
  console.log(`wrote src/tl/generated/${name} (${text.length} chars)`);
}
