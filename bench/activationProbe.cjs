// Runs in a fresh process: resolves `vscode` to the stub, then times require() + activate().
const Module = require('node:module');
const path = require('node:path');
const stub = path.join(__dirname, 'vscodeStub.cjs');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? stub : resolve.call(this, request, ...rest);
};
require(stub);
const start = process.hrtime.bigint();
const extension = require(path.resolve(process.argv[2]));
// The core bundle has no activate(): for it the figure is the cost of its first require().
const secrets = { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: () => ({ dispose() {} }) };
if (typeof extension.activate === 'function') {
  extension.activate({ subscriptions: [], secrets, extensionUri: { fsPath: __dirname }, extension: { packageJSON: { version: '0' } } });
}
const end = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ ms: Number(end - start) / 1e6 }));
process.exit(0);
