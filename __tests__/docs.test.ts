import { execFileSync } from 'child_process';
import { existsSync, readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { RuleIds } from '../lib/checklist/rule-ids';
import { ALL_RULES } from '../lib/checklist/rules';

// docs/rules.md, RuleIds and the rule index are generated from the rule files by scripts/gen-rules.js; npm test
// runs its --check mode (rules:check) before jest, so a stale one fails CI.

test('one rule, one file: every rules/<phase>/<ID>.ts holds the rule of its name, and nothing else is a rule', () => {
  const dir = join(__dirname, '..', 'lib', 'checklist', 'rules');
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(dir, d.name)).filter((f) => /^AOAI-/.test(f)));
  expect(files.sort()).toEqual(ALL_RULES.map((r) => `${r.id}.ts`).sort());
  for (const r of ALL_RULES) {
    expect(jest.requireActual<{ rule: unknown }>(join(dir, phaseDir(r.phase), r.id)).rule).toBe(r);
  }
});

function phaseDir(phase: string): string {
  return {
    'Network Isolation': 'network',
    'Identity and Access': 'identity',
    'Content Safety': 'content',
    Monitoring: 'monitoring',
    'Checklist Integrity': 'integrity',
  }[phase]!;
}

test('every rule carries its metadata: constant, summary, title, rationale and how it fails closed', () => {
  for (const r of ALL_RULES) {
    expect(r.constant).toMatch(/^(NET|IAM|CFP|MON|CHK)_[A-Z_]+$/);
    expect(r.constant.slice(0, 3)).toBe(r.id.slice(5, 8));
    expect((RuleIds as any)[r.constant]).toBe(r.id);
    for (const text of [r.summary, r.title, r.rationale, r.failClosed]) {
      expect(text.length).toBeGreaterThan(10);
    }
    for (const url of r.sources ?? []) expect(url).toMatch(/^https:\/\/[a-z0-9.-]+\//);
  }
  expect(RuleIds.all()).toEqual(ALL_RULES.map((r) => r.id));
  expect(RuleIds.notExemptable()).toEqual(ALL_RULES.filter((r) => r.exemptable === false).map((r) => r.id));
});

test('every rule ID is unique and well-formed', () => {
  const ids = ALL_RULES.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^AOAI-(NET|IAM|CFP|MON|CHK)-\d{3}$/);
});

const ROOT = join(__dirname, '..');

/** Paths outside the repository, assembled from parts so this file does not name them itself. */
const OUTSIDE = [
  new RegExp(['', 'work', ''].join('\\/')), // an absolute path on the build machines
  new RegExp(['\\.\\.', 'shared'].join('\\/')), // the shared folder beside the repository
  new RegExp(['shared', 'reference'].join('\\/')),
];

describe('facts live in the repository', () => {
  test('no tracked file names a path outside the repository', () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    expect(tracked.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    for (const file of tracked) {
      const path = join(ROOT, file);
      if (!existsSync(path)) continue; // deleted in the work tree, not yet committed
      const text = readFileSync(path, 'utf8');
      text.split('\n').forEach((line, i) => {
        if (OUTSIDE.some((re) => re.test(line))) {
          offenders.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
        }
      });
    }
    expect(offenders).toEqual([]);
  });

  test('the pattern catches what it is meant to catch (negative control)', () => {
    const samples = [
      `see ${['', 'work', 'shared', 'x.md'].join('/')}`,
      `${['..', 'shared', 'a.md'].join('/')}`,
    ];
    for (const sample of samples) expect(OUTSIDE.some((re) => re.test(sample))).toBe(true);
    expect(OUTSIDE.some((re) => re.test('docs/azure-facts.md §2, lib/azure-facts.ts'))).toBe(false);
  });

  const factFiles = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('-facts.md'));

  test('the fact files exist: Azure, field (logs, run tasks, data plane) and Terraform', () => {
    expect(factFiles.sort()).toEqual(['azure-facts.md', 'field-facts.md', 'terraform-facts.md']);
  });

  test.each(factFiles)('every fact section of docs/%s carries a public https source', (file) => {
    const text = readFileSync(join(ROOT, 'docs', file), 'utf8');
    const sections = text.split(/\n(?=#{2,3} )/).filter((s) => s.startsWith('##'));
    expect(sections.length).toBeGreaterThan(3);
    const unsourced = sections
      .map((s) => ({ heading: s.split('\n')[0], body: s.split('\n').slice(1).join('\n').trim(), all: s }))
      // A heading whose subsections hold the facts has no body; open questions are by definition unsourced.
      .filter((s) => s.body && !/Open questions/.test(s.heading))
      .filter((s) => !/https:\/\/[^\s)]+/.test(s.all))
      .map((s) => s.heading);
    expect(unsourced).toEqual([]);
  });

  test('every docs/*-facts.md the code cites exists, and the section it names is there', () => {
    const tracked = execFileSync(
      'git',
      ['grep', '-n', '-I', '-E', 'docs/[a-z-]+-facts\\.md', '--', 'lib', 'scripts', 'tools', '__tests__'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    const cited = new Set<string>();
    for (const m of tracked.matchAll(/docs\/([a-z-]+-facts\.md)(?: §(\d+(?:\.\d+)?))?/g)) {
      cited.add(`${m[1]}#${m[2] ?? ''}`);
    }
    expect(cited.size).toBeGreaterThan(10);
    for (const citation of cited) {
      const [file, section] = citation.split('#');
      expect(factFiles).toContain(file);
      if (section) {
        const text = readFileSync(join(ROOT, 'docs', file), 'utf8');
        expect({
          citation,
          found: new RegExp(`^#{2,3} ${section.replace('.', '\\.')}[. ]`, 'm').test(text),
        }).toEqual({
          citation,
          found: true,
        });
      }
    }
  });
});

describe('README and docs/development.md', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

  test.each(['README.md', 'docs/development.md'])(
    'every relative link of %s names a file of the repository',
    (file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1].split('#')[0])
        .filter((l) => l && !/^[a-z]+:/.test(l));
      expect(links.length).toBeGreaterThan(0);
      const missing = links.filter((l) => !existsSync(join(ROOT, file, '..', l)));
      expect(missing).toEqual([]);
    },
  );

  test('Quick start holds exactly the two command lines of a fresh clone', () => {
    const start = readme.indexOf('## Quick start');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    expect([...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1])).toEqual([
      'npm ci && npx cdktf synth\nnpm test\n',
    ]);
  });

  test("Install names this version's tarballs and every peer at its tested version (tarball-smoke installs it)", () => {
    const peers = Object.keys(pkg.peerDependencies)
      .sort()
      .map((name) => `${name}@${pkg.devDependencies[name]}`);
    const install = /^npm install "\$PKG\/([^"]+)" (.+)$/m.exec(readme)!;
    expect(install[1]).toBe(`${pkg.name}-${pkg.version}.tgz`);
    expect(install[2].split(' ').sort()).toEqual(peers);
    expect(readme).toMatch(
      new RegExp(`^npm install --save-dev "\\$PKG/aoai-harden-${pkg.version}\\.tgz"$`, 'm'),
    );
    // No registry install line: nothing is published yet, and every command in the README must run.
    expect(readme).not.toMatch(
      /^npm (install|i) (--save-dev )?(aoai-harden|cdktf-azure-openai-hardening)\b/m,
    );
  });

  test('maintainer material lives in docs/development.md, which the construct tarball leaves out', () => {
    const dev = readFileSync(join(ROOT, 'docs', 'development.md'), 'utf8');
    for (const heading of ['## Configure the reference stack', '## Performance', '## Terraform offline']) {
      expect(dev).toContain(heading);
      expect(readme).not.toContain(heading);
    }
    expect(readFileSync(join(ROOT, '.npmignore'), 'utf8').split('\n')).toContain('docs/development.md');
  });
});
