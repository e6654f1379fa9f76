// Starts the real linzhang binary for end-to-end tests: a fresh SQLite database in a temp dir,
// the Wuxi demo data loaded into it, and `serve` on a free port (read back from its output).
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
export const webDir = path.resolve(here, '..');
export const binary = process.env.LINZHANG_BIN
  ? path.resolve(process.env.LINZHANG_BIN)
  : path.resolve(webDir, '../target/debug/linzhang');

/** Why the e2e tests cannot run here, or null when they can. */
export function missingPrerequisite() {
  if (!existsSync(binary)) return `linzhang binary not found at ${binary} (build it, or set LINZHANG_BIN)`;
  return null;
}

/** Runs the binary with `input` on its standard input; rejects with its output on failure. */
function runWithInput(args, input, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`linzhang ${args.slice(2).join(' ')} failed (${code}):\n${output}`)),
    );
    child.stdin.end(input);
  });
}

const ANSI = /\x1b\[[0-9;]*m/g; // eslint-disable-line no-control-regex
const LISTENING = /listening on (https?:\/\/[^\s"']+)/;

/**
 * Starts the server; resolves to `{ url, stop }`. `stop()` kills it and removes the temp dir.
 * `users` are added after the demo with `linzhang user add` (`temporary`: must change the password).
 * `subcompartments` per survey year in the demo's map layers: none by default (loading them
 * takes most of a minute in a debug build); tests of the one map ask for some.
 * @param {{ startTimeoutMs?: number, subcompartments?: number, users?: { name: string, role: string, grid: string, password: string, temporary?: boolean }[] }} [opts]
 */
export async function startServer(opts = {}) {
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const dir = await mkdtemp(path.join(tmpdir(), 'linzhang-e2e-'));
  const database = `sqlite://${path.join(dir, 'e2e.db')}`;
  const env = { ...process.env, NO_COLOR: '1', LINZHANG_LOG: process.env.LINZHANG_LOG ?? 'info' };

  try {
    const forest = String(opts.subcompartments ?? 0);
    await promisify(execFile)(binary, ['--database', database, 'demo', '--subcompartments', forest], { env, timeout: 300_000, maxBuffer: 64 << 20 });
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`\`linzhang demo\` failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: e });
  }

  for (const u of opts.users ?? []) {
    const args = ['--database', database, 'user', 'add', '--role', u.role, '--grid', u.grid];
    if (u.temporary) args.push('--temporary');
    args.push(u.name);
    await runWithInput(args, `${u.password}\n`, env).catch(async (e) => {
      await rm(dir, { recursive: true, force: true });
      throw e;
    });
  }

  const child = spawn(binary, ['--database', database, '--data-dir', path.join(dir, 'data'), 'serve', '--listen', '127.0.0.1:0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs);
    const onData = (chunk) => {
      output += chunk.toString();
      const m = output.replace(ANSI, '').match(LISTENING);
      if (m) {
        clearTimeout(timer);
        // A wildcard bind address is not something a browser can open.
        resolve(m[1].replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://127.0.0.1:'));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`linzhang serve exited early (${code ?? signal}):\n${output}`));
    });
  });
  // Keep draining the pipes so that the server never blocks on a full one.
  child.stdout.resume();
  child.stderr.resume();

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  }

  return { url, stop, output: () => output };
}
