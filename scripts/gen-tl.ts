// `npm run gen`: regenerates src/tl/generated/ from src/tl/schema/ (byte for byte reproducible).
import { mkdirSync, writeFileSync } from 'node:fs';
import { generate, generateSecret, loadModel, loadSecretModel } from '../src/tl/codegen/generate.ts';

function write(sub: string, files: Map<string, string>): void {
  const dir = new URL(`../src/tl/generated/${sub}`, import.meta.url);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) {
    writeFileSync(new URL(name, dir), text);
    console.log(`wrote src/tl/generated/${sub}${name} (${text.length} chars)`);
  }
}

const model = loadModel();
for (const w of model.warnings) console.warn(`warning: ${w}`);
write('', generate(model));

// The end-to-end (secret chat) schema: its own namespace in src/tl/generated/secret/.
const secret = loadSecretModel();
for (const w of secret.warnings) console.warn(`warning: secret: ${w}`);
write('secret/', generateSecret(secret));
