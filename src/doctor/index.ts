export { MIN_NODE_VERSION } from './checks/node.js';
export { currentDoctorHost, doctorFailed, DOCTOR_TIMEOUT_MS, runDoctor } from './run-doctor.js';
export type { CheckLevel, CheckResult, DoctorHost } from './types.js';
