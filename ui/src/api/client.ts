// The one place that talks to Rust. Components and hooks use the typed functions in ./commands.ts.
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { Command } from "../bindings/Command";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { IpcError } from "../bindings/IpcError";

/** Every code Rust can send (see src-tauri/core/src/error.rs). The `satisfies` keeps it in step with the binding. */
export const ERROR_CODES = [
  "NOT_FOUND",
  "ILLEGAL_TRANSITION",
  "NO_PREVIOUS_VERSION",
  "INVALID_INPUT",
  "CONFLICT",
  "GATE_BLOCKED",
  "SCHEMA_TOO_NEW",
  "CORRUPT_DATABASE",
  "READ_ONLY",
  "DISK_FULL",
  "IO",
  "CANCELLED",
  "REMOTE_NOT_CONFIGURED",
  "REMOTE_UNREACHABLE",
  "REMOTE_TIMEOUT",
  "REMOTE_TLS",
  "REMOTE_UNAUTHORIZED",
  "REMOTE_FORBIDDEN",
  "REMOTE_NOT_MLFLOW",
  "REMOTE_FAILED",
  "KEYRING_UNAVAILABLE",
  "INTERNAL",
] as const satisfies readonly ErrorCode[];

// Fails to compile if ErrorCode gains a variant that ERROR_CODES lacks.
type MissingCodes = Exclude<ErrorCode, (typeof ERROR_CODES)[number]>;
const _allCodesListed: MissingCodes extends never ? true : MissingCodes = true;
void _allCodesListed;

/** A refused or failed IPC call: an IpcError as an Error. `message` is written for the user and goes to the toast unchanged. */
export class ApiError extends Error implements IpcError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Turns whatever an invoke rejected with into an ApiError:
 * - `{ code, message }` (an IpcError from our commands) is kept, an unknown code becoming INTERNAL;
 * - a plain string (Tauri's own errors, e.g. argument deserialization) is INVALID_INPUT;
 * - anything else is INTERNAL.
 */
export function toApiError(rejection: unknown): ApiError {
  if (rejection instanceof ApiError) return rejection;
  if (typeof rejection === "object" && rejection !== null && "code" in rejection && "message" in rejection) {
    // Usually an IpcError; checked field by field all the same, since anything can reach a rejection.
    const { code, message } = rejection as { [K in keyof IpcError]: unknown };
    const text = typeof message === "string" && message.length > 0 ? message : "Unknown error.";
    return new ApiError(isErrorCode(code) ? code : "INTERNAL", text);
  }
  if (typeof rejection === "string") {
    return new ApiError("INVALID_INPUT", rejection.length > 0 ? rejection : "Invalid input.");
  }
  if (rejection instanceof Error) {
    return new ApiError("INTERNAL", rejection.message || "Unexpected error.");
  }
  return new ApiError("INTERNAL", "Unexpected error.");
}

/**
 * Invokes a Tauri command; a rejection always becomes an ApiError. `cmd` is one of the names Rust registers
 * (bindings/Command.ts, generated from src-tauri/commands/names.rs): a misspelt name does not compile.
 */
export async function call<T>(cmd: Command, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (rejection) {
    throw toApiError(rejection);
  }
}

/** Runs any other IPC-backed promise (e.g. a plugin call) with the same error normalization. */
export async function normalize<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (rejection) {
    throw toApiError(rejection);
  }
}
