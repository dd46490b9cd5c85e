// A publish in its own process, killed with SIGKILL right after a named step
// (test/snapshot-publish.test.ts). Loads the TypeScript sources through Vite (a vitest
// dependency) the way vitest does. argv: <path of a JSON PublishInput> <step>.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [inputPath, step] = process.argv.slice(2);
const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false },
});
const night = await server.ssrLoadModule('/test/helpers/snapshot-night.ts');
await night.publishAndDieAfter(JSON.parse(await readFile(inputPath, 'utf8')), step);
// Reaching here means the step never came: say so, and exit with a code the test can see.
process.stderr.write(`publish finished without reaching step ${step}\n`);
await server.close();
process.exit(3);
