// The estate store (tools/tf-stub/estate/store.js) is shared by every stub provider process Terraform starts:
// concurrent transactions from several processes must not lose each other's writes, and a refused (throwing)
// transaction must leave the document as it was.
import { spawn } from 'child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const store = require('../tools/tf-stub/estate/store') as {
  ensureEstate(dir: string): string;
  transact<T>(dir: string, fn: (doc: any) => T): T;
  read(dir: string): any;
};
const STORE = join(__dirname, '..', 'tools', 'tf-stub', 'estate', 'store.js');

let dir: string;
beforeEach(() => {
  dir = store.ensureEstate(mkdtempSync(join(tmpdir(), 'aoai-estate-store-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A process that adds one resource per transaction, `n` times. Each writer says it is ready and waits for the
 * go file, so the writers' transactions really overlap (process start-up alone would stagger them).
 */
function writer(name: string, n: number): Promise<number> {
  const code = `const fs = require('fs'); const s = require(${JSON.stringify(STORE)});
    const dir = ${JSON.stringify(dir)}; const wait = new Int32Array(new SharedArrayBuffer(4));
    fs.writeFileSync(dir + '/ready-${name}', '');
    while (!fs.existsSync(dir + '/go')) Atomics.wait(wait, 0, 0, 2);
    for (let i = 0; i < ${n}; i++) s.transact(dir, (d) => { d.resources['${name}/' + i] = { id: '${name}/' + i }; });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
}

test('three processes writing 30 transactions each at the same time lose none of the 90 writes', async () => {
  const writers = ['a', 'b', 'c'].map((w) => writer(w, 30));
  while (['a', 'b', 'c'].some((w) => !existsSync(join(dir, `ready-${w}`)))) {
    await new Promise((r) => setTimeout(r, 10));
  }
  writeFileSync(join(dir, 'go'), '');
  expect(await Promise.all(writers)).toEqual([0, 0, 0]);
  expect(Object.keys(store.read(dir).resources)).toHaveLength(90);
}, 60000);

test('a transaction that throws writes nothing and releases the lock', () => {
  store.transact(dir, (d) => {
    d.resources.kept = { id: 'kept' };
  });
  expect(() =>
    store.transact(dir, (d) => {
      d.resources.lost = { id: 'lost' };
      throw new Error('refused');
    }),
  ).toThrow('refused');
  expect(Object.keys(store.read(dir).resources)).toEqual(['kept']);
  // The lock was released: the next transaction runs.
  expect(store.transact(dir, (d) => Object.keys(d.resources).length)).toBe(1);
});
