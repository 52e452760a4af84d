/** POP3 codec (sans-IO): line splitting, command parsing, response writing. */
export * from './line-reader.js';
export * from './command.js';
export * from './response.js';
