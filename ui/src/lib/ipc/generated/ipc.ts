// Generated from the Rust DTOs in src-tauri by `cargo xtask codegen`. Do not edit.

export type Language = "kk" | "ru" | "en";

export type AppInfo = {
/**
 * The app's version, as in its package.
 */
version: string,
/**
 * The languages the user interface offers, in display order.
 */
languages: Array<Language>,
/**
 * Where the app keeps its database, shown so that support can find it.
 */
databasePath: string, };

export type ErrorCode = "error.app.unknown_language" | "error.app.state_unavailable";

export type IpcError = {
/**
 * The message key.
 */
code: ErrorCode,
/**
 * Values for the message's placeholders, by name.
 */
params: { [key in string]: string }, };
