// Registers cdktf's jest matchers (toHaveResourceWithProperties, ...).
const cdktf = require('cdktf');
cdktf.Testing.setupJest();
