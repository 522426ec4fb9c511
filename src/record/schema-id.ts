/** The `schema` of the run records this version writes and reads (a module of its own: writing a record does not build the zod schema). */
export const RUN_SCHEMA = 'aijourney.run/2';
