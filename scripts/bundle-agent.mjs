// Bundles the probe agent (and undici) into one ESM file that node runs inside the probe image.
import { build } from 'esbuild';

await build({
  entryPoints: ['probes/agent/main.ts'],
  outfile: 'dist/probe/agent.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  banner: {
    js: "import { createRequire as __dpCreateRequire } from 'node:module'; const require = __dpCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
