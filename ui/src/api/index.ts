export * from "./client";
export * from "./commands";
