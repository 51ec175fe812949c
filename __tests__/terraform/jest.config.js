// Jest configuration of the Terraform-core tests (`npm run test:terraform`, spawned by `npm test`): the main
// suite's configuration from package.json, limited to __tests__/terraform/**/*.tf.test.ts, with its own JUnit
// file (test-reports/junit-terraform.xml; .ci/run counts both) and timeouts fit for Terraform runs.
const path = require('path');
const base = require('../../package.json').jest;

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, '..', '..'),
  testMatch: ['<rootDir>/__tests__/terraform/**/*.tf.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180000,
  reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: 'junit-terraform.xml' }]],
};
