// The estate store (tools/tf-stub/estate/store.js) is shared by every stub provider process Terraform starts:
// concurrent transactions from several processes must not lose each other's writes, and a refused (throwing)
// transaction must leave the document as it was.
import { spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
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

/** A process that adds one resource per transaction, `n` times. */
function writer(name: string, n: number): Promise<number> {
  const code = `const s = require(${JSON.stringify(STORE)});
    for (let i = 0; i < ${n}; i++) s.transact(${JSON.stringify(dir)}, (d) => { d.resources['${name}/' + i] = { id: '${name}/' + i }; });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
}

test('four processes writing 40 transactions each lose none of the 160 writes', async () => {
  const codes = await Promise.all(['a', 'b', 'c', 'd'].map((w) => writer(w, 40)));
  expect(codes).toEqual([0, 0, 0, 0]);
  expect(Object.keys(store.read(dir).resources)).toHaveLength(160);
});

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
