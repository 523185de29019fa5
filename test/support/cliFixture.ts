// The CLI's process entry with the test operations, for tests that need a real process
// (signals, exit statuses, a terminal) but no engine.
import { main } from '../../src/cli/main.js';
import { testRegistry } from './cliOperations.js';

void main(process.argv.slice(2), testRegistry());
