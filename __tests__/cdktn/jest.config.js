// Jest configuration of the cdktn flavour's tests (`npm run test:cdktn`, spawned by `npm test` after the flavour is
// installed and built): run by the Node 22 binary (scripts/node22.js), limited to __tests__/cdktn/**/*.cdktn.test.ts,
// with its own JUnit file (test-reports/junit-cdktn.xml; .ci/run counts it) and timeouts fit for installs and synths.
const path = require('path');
const base = require('../../package.json').jest;

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, '..', '..'),
  testMatch: ['<rootDir>/__tests__/cdktn/**/*.cdktn.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 240000,
  reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: 'junit-cdktn.xml' }]],
};
