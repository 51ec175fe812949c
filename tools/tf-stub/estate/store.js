'use strict';
// The estate's persistent store: one JSON file (<estate dir>/estate.json) that every stub provider process of
// every stack reads and writes, so a second stack sees what the first created. Terraform starts several provider
// processes per command (and tests run stacks side by side), so each transaction holds a lock: a directory
// created with mkdir (atomic on every local file system), removed when the transaction ends; a lock older than
// STALE_MS (a process killed mid-transaction) is broken.
const fs = require('fs');
const path = require('path');

const FILE = 'estate.json';
const STALE_MS = 30000;
const WAIT_MS = 120000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms) => Atomics.wait(sleeper, 0, 0, ms);

/** A new, empty estate document. */
function emptyEstate(options = {}) {
  return {
    version: 1,
    // The subscription a provider without `subscription_id` deploys into (what ARM_SUBSCRIPTION_ID says).
    subscription: (options.subscription ?? '00000000-0000-0000-0000-000000000000').toLowerCase(),
    // Policy sets assigned in this estate: [{ set, scope }] (see policies.js).
    policies: [],
    // The model's clock (epoch ms), or null for the machine's clock.
    clock: null,
    // ARM resources by lower-case ID: { id, type, location, properties, via }.
    resources: {},
    // Deleted Cognitive Services accounts kept soft-deleted: by lower-case ID, { id, location, deletedAt }.
    softDeleted: {},
  };
}

function lockPath(dir) {
  return path.join(dir, `${FILE}.lock`);
}

function acquire(dir) {
  const lock = lockPath(dir);
  const deadline = Date.now() + WAIT_MS;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    try {
      fs.mkdirSync(lock);
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_MS) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`estate ${dir}: lock ${lock} held for ${WAIT_MS} ms`);
      else sleep(delay);
    }
  }
}

function read(dir) {
  const file = path.join(dir, FILE);
  if (!fs.existsSync(file)) throw new Error(`${dir} is not an estate (no ${FILE}): create it with createEstate() or the runner's --estate`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function write(dir, doc) {
  const file = path.join(dir, FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(doc, null, 1)}\n`);
  fs.renameSync(tmp, file);
}

/**
 * Run fn(doc) under the estate's lock; the document is written back when fn returns normally (also when it
 * returns a refusal), and left as it was when fn throws.
 */
function transact(dir, fn) {
  acquire(dir);
  try {
    const doc = read(dir);
    const result = fn(doc);
    write(dir, doc);
    return result;
  } finally {
    fs.rmSync(lockPath(dir), { recursive: true, force: true });
  }
}

/** Create the estate folder and document if missing; returns the folder. */
function ensureEstate(dir, options = {}) {
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, FILE))) {
    acquire(dir);
    try {
      if (!fs.existsSync(path.join(dir, FILE))) write(dir, emptyEstate(options));
    } finally {
      fs.rmSync(lockPath(dir), { recursive: true, force: true });
    }
  }
  return dir;
}

module.exports = { transact, read, ensureEstate, emptyEstate, FILE };
