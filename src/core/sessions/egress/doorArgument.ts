/** The CLI's first argument that makes it an egress door (doorProcess.ts) instead of a command. */
export const DOOR_ARGUMENT = '__berth-door';
