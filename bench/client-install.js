// What an application installs: the light client (@promptops/client) against the whole promptops
// package (fastify, pg, a native SQLite module). Packs both from this checkout (run `npm run build`
// first), installs each tarball into an empty folder as an application would (the registry serves
// the dependencies; npm's cache makes a second run offline), and prints JSON: the size of
// node_modules (as `du -sk` counts it) and the number of packages installed.
// Issue 16 item 5: an application that only fetches and runs prompts must not install the heavy ones.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, 'packages/client/dist/index.js')) || !existsSync(path.join(root, 'dist'))) {
  throw new Error('build first: npm run build');
}
const work = mkdtempSync(path.join(tmpdir(), 'promptops-install-'));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();

function pack(args) {
  const name = npm([...args, 'pack', '--ignore-scripts', '--pack-destination', work, '--silent'], root);
  return path.join(work, name.split('\n').at(-1));
}

function install(name, tarball) {
  const app = path.join(work, name);
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: `${name}-app`, private: true }));
  const start = Date.now();
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app);
  const seconds = (Date.now() - start) / 1000;
  const kib = Number(
    execFileSync('du', ['-sk', 'node_modules'], { cwd: app, encoding: 'utf8' }).split('\t')[0],
  );
  const packages = npm(['ls', '--all', '--parseable'], app).split('\n').length - 1;
  return {
    tarballKiB: Math.round(Number(execFileSync('du', ['-sk', tarball], { encoding: 'utf8' }).split('\t')[0])),
    nodeModulesMiB: Math.round((kib / 1024) * 10) / 10,
    packages,
    installSeconds: Math.round(seconds * 10) / 10,
  };
}

try {
  const client = install('client', pack(['-w', '@promptops/client']));
  const full = install('full', pack([]));
  console.log(
    JSON.stringify(
      {
        bench: 'client-install',
        node: process.version,
        npm: npm(['--version'], root),
        client,
        full,
        ratio: {
          size: Math.round((full.nodeModulesMiB / client.nodeModulesMiB) * 10) / 10,
          packages: Math.round((full.packages / client.packages) * 10) / 10,
        },
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
