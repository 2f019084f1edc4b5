// The README's per-runtime examples (the ```ts block after `<!-- example: <name> -->`), with the package import
// pointed at the source, and the port, key file and session file swapped for the test's.
import { readFileSync } from 'node:fs';

export interface ExampleSubstitutions {
  /** What 'mtproto-wasm' becomes (a path or URL the importing file can resolve). */
  module: string;
  port: number;
  publicKeyPath: string;
  sessionPath?: string;
}

export function readmeExample(name: string, s: ExampleSubstitutions): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const m = new RegExp(`<!-- example: ${name} -->\\n\`\`\`ts\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  if (!m) throw new Error(`README.md has no example "${name}"`);
  const code = m[1];
  for (const needle of ["from 'mtproto-wasm'", 'port: 4430', 'mtproto-server.pem.pub']) {
    if (!code.includes(needle)) throw new Error(`README example "${name}" lacks ${needle}`);
  }
  return code
    .replace("from 'mtproto-wasm'", `from ${JSON.stringify(s.module)}`)
    .replace('port: 4430', `port: ${s.port}`)
    .replaceAll("'mtproto-server.pem.pub'", JSON.stringify(s.publicKeyPath))
    .replace("'session.json'", JSON.stringify(s.sessionPath ?? 'session.json'));
}
