/** Bounds the command line shares with the task file: a flag that overrides a setting has the setting's range. */
export const LIMITS = { concurrency: 256 } as const;
