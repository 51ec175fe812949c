/**
 * Suite-wide secret scan of error messages (issue 13), registered in jest's setupFilesAfterEnv (.projenrc.ts): every
 * HardeningConfigError and ConfigError created while a test file runs is recorded, and after the file the scan
 * asserts that none echoes a planted test secret, a credential shape or URL query string, or a value longer than
 * the truncation limit. It covers every error any test provokes, not only the inputs secrets.test.ts plants.
 *
 * Recording: both constructors set `this.name` after `super(message)`; a setter for `name` on each prototype sees
 * every instance with its final message (no hook in the library). The setup checks itself on load.
 */
import { errorMessageLeak } from './secret-shapes';
import { HardeningConfigError } from '../lib/validation';
import { ConfigError } from '../stacks/config';

const recorded: Array<{ type: string; message: string; test: string }> = [];

for (const type of [HardeningConfigError, ConfigError]) {
  const name = type.name;
  Object.defineProperty(type.prototype, 'name', {
    configurable: true,
    get: () => name,
    set(this: Error, value: string) {
      Object.defineProperty(this, 'name', { value, writable: true, configurable: true, enumerable: false });
      recorded.push({
        type: name,
        message: this.message,
        test: expect.getState().currentTestName ?? '(file)',
      });
    },
  });
}

// Self-check: an error made here is recorded (so a constructor that stops setting `name` fails every file).
new HardeningConfigError('setup.selfCheck', 'x', 'none');
new ConfigError('setup self-check');
if (recorded.length !== 2) {
  throw new Error('secret-scan.setup: errors are no longer recorded; see its header');
}
recorded.length = 0;

afterAll(() => {
  const leaks = recorded.flatMap((r) => {
    const leak = errorMessageLeak(r.message);
    return leak ? [`${r.type} in "${r.test}": ${leak}: ${r.message.slice(0, 300)}`] : [];
  });
  expect(leaks).toEqual([]);
});
