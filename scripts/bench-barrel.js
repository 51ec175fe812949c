// What a typical user writes: `import * as azurerm from '@cdktf/provider-azurerm'` loads every resource module.
// Same reference app, with the provider package root loaded as such an import would load it.
require('@cdktf/provider-azurerm');
require('../.build/main.js');
