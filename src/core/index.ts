// The core's public surface for the extension, which loads it lazily as dist/core.js.
export { createOperationCatalog } from './catalog.js';
export { formatDoctorReport } from './doctor/doctorOperation.js';
export { describeError, BerthError } from './errors.js';
