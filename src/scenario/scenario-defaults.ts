// A scenario's defaults, apart from the parser so the command line's help can print them without loading it (yaml,
// zod).

/** The timeout of a check when neither the file nor the command line sets one. */
export const DEFAULT_TIMEOUT_MS = 2000;

/**
 * What `internet` means when neither the file nor `--internet` says: a TCP/HTTPS endpoint and a lookup of an outside
 * name. Defaults for users on their own hosts; tests always replace them with a local canary.
 */
export const DEFAULT_INTERNET = ['tcp://1.1.1.1:443', 'https://example.com/', 'dns:example.com'];
